// Blocks' questions about a spec, answered by the engine's own planner and budget and the CSV reader: the
// same functions a run calls, so validation and training cannot disagree.
import Blocks
import Datasets
import Engine
import Vocabulary

public struct EngineFeasibility: Feasibility {
    public init() {}

    public func layerProblem(model: ModelConfig, inputWidth: Int, classes: Int) -> (layer: Int?, message: String)? {
        LayerCheck.problem(model: model, inputWidth: inputWidth, classes: classes)
    }

    public func overBudget(_ job: TrainingJob, inputWidth: Int, classes: Int, trainCount: Int) -> String? {
        do {
            try Budget.check(job, inputWidth: inputWidth, classes: classes, trainCount: trainCount)
        } catch let EngineError.overBudget(message) {
            return message
        } catch {
            return nil
        }
        return nil
    }

    public func csvShape(_ spec: DataSpec, bookDirectory: String, environment: [String: String]) throws(CSVProblem) -> CSVShape {
        try CSVData.shape(spec, bookDirectory: bookDirectory, environment: environment)
    }
}
