#include "odr_probe_body.hpp"

// Translation unit A of the ODR test.
odr_probe::results odr_probe::run_a() { return probe(); }
