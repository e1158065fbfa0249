// Render module.
import LabbookCore
