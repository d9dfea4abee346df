# Consumer (e): no build system and no install: include/ctattn copied into the project (done by
# tests/consumers/run_consumers.py from the source tree), Boost from the system. The driver runs
# this in a directory holding app.cpp and include/ctattn (with g++ replaced by the compiler under
# test). The lines between the markers are README's, verbatim.
# README begin
g++ -std=c++20 -ffp-contract=off -I include app.cpp -o app
# README end
