// When a report looks at the network: at initialisation or after training.

public enum Moment: String, Sendable, Codable, Hashable, CaseIterable {
    case initial = "init"
    case trained
}
