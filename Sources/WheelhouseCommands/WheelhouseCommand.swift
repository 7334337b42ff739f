public import ArgumentParser

/// `wheelhouse`: a Python package index server and replication agent.
public struct WheelhouseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wheelhouse",
        abstract: "A Python package index server and replication agent.",
        subcommands: [
            ServeCommand.self, InspectCommand.self, UploadCommand.self, RepositoryCommand.self, DistributionCommand.self,
            ContentCommand.self, ProjectCommand.self, PublishCommand.self, SyncCommand.self, RemoteCommand.self, ReplicateCommand.self, UserCommand.self, VerifyCommand.self, CleanupCommand.self,
        ]
    )

    public init() {}
}
