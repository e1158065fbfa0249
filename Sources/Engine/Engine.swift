// Public entry points of the engine. Implementations live beside this file.

public enum EngineInfo {
    /// Bumped whenever a change could alter any number the engine produces; part of every cache key.
    public static let version = "0.2.0"
}
