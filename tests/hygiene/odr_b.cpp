#include "odr_probe_body.hpp"

// Translation unit B of the ODR test.
odr_probe::results odr_probe::run_b() { return probe(); }
