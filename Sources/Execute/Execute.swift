// Execute module.
import LabbookCore
