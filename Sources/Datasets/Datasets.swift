// Datasets module.
import LabbookCore
