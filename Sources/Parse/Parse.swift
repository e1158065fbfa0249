// Parse module.
import LabbookCore
