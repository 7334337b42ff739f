import WheelhouseCommands

@main
enum Wheelhouse {
    static func main() async {
        await WheelhouseCommand.main()
    }
}
