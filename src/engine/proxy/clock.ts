export {type Clock, systemClock, type TimerHandle} from '../vrrp/clock.js'
