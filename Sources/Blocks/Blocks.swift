// Blocks module.
import LabbookCore
