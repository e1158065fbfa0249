// Site module.
import LabbookCore
