// What the engine throws for a job it cannot or may not run.

public enum EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case overBudget(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let s), .overBudget(let s): s
        }
    }
}
