/// Maps `items` with at most `limit` running at once; results keep the items' order.
func concurrentMap<Item: Sendable, Mapped: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Mapped
) async -> [Mapped] {
    await withTaskGroup(of: (Int, Mapped).self) { group in
        var results = [Mapped?](repeating: nil, count: items.count)
        var next = 0
        func startNext() {
            guard next < items.count else { return }
            let index = next
            next += 1
            group.addTask { (index, await body(items[index])) }
        }
        for _ in 0..<min(max(1, limit), items.count) { startNext() }
        while let (index, value) = await group.next() {
            results[index] = value
            startNext()
        }
        return results.map { $0! }
    }
}
