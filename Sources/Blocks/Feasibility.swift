// What only the engine and the data readers can tell about a spec before it runs. Blocks asks these questions
// while validating, with the YAML positions at hand; Execute answers them (`EngineFeasibility`), so Blocks
// depends on neither Engine nor Datasets ("specs are data") and `check` still refuses what `build` would.
import Vocabulary

public protocol Feasibility: Sendable {
    /// The first problem with a `layers:` list's shapes for this input and class count (and the entry it
    /// concerns), or nil when the shapes fit.
    func layerProblem(model: ModelConfig, inputWidth: Int, classes: Int) -> (layer: Int?, message: String)?
    /// The limit of `Budget` the job goes over, in the engine's words, or nil. Impossible settings (batch 0, …)
    /// are nil here: the section readers report them in their own words.
    func overBudget(_ job: TrainingJob, inputWidth: Int, classes: Int, trainCount: Int) -> String?
    /// A CSV table's feature columns and classes, read from the book (or `$LABBOOK_DATA`).
    func csvShape(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws(CSVProblem) -> CSVShape
}
