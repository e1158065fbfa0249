// LabbookKit module.
import LabbookCore
