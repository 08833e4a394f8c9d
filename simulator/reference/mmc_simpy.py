"""M/M/c reference model in SimPy 2.3.1 (Debian's python3-simpy; old API).

The same model as simulator/scenarios/mmc.yaml: Poisson arrivals at `arrival_rate` per second
join one FIFO queue in front of `servers` servers, each serving in an exponential time with
rate `service_rate` per second. Prints one JSON line: customers served, wall and CPU seconds,
customers per wall and per CPU second, mean wait and the share that waited (for comparison with Erlang C).

    /usr/bin/python3 simulator/reference/mmc_simpy.py SERVERS ARRIVAL_RATE SERVICE_RATE CUSTOMERS SEED
"""
import json
import random
import sys
import time

from SimPy.Simulation import (Process, Resource, activate, hold, initialize,
                              now, release, request, simulate)


class Stats:
    served = 0
    waited = 0
    wait_sum = 0.0


class Customer(Process):
    def visit(self, server, service_rate, stats, rng):
        arrived = now()
        yield request, self, server
        wait = now() - arrived
        stats.wait_sum += wait
        if wait > 0:
            stats.waited += 1
        yield hold, self, rng.expovariate(service_rate)
        yield release, self, server
        stats.served += 1


class Source(Process):
    def generate(self, customers, arrival_rate, server, service_rate, stats, rng):
        for _ in range(customers):
            c = Customer()
            activate(c, c.visit(server, service_rate, stats, rng))
            yield hold, self, rng.expovariate(arrival_rate)


def main():
    servers, arrival_rate, service_rate = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    customers, seed = int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(seed)
    stats = Stats()
    start = time.perf_counter()
    cpu_start = time.process_time()
    initialize()
    server = Resource(capacity=servers, monitored=False)
    source = Source()
    activate(source, source.generate(customers, arrival_rate, server, service_rate, stats, rng))
    simulate(until=1e18)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(json.dumps({
        "customers": stats.served,
        "wallSeconds": wall,
        "customersPerSecond": stats.served / wall,
        "cpuSeconds": cpu,
        "customersPerCpuSecond": stats.served / cpu,
        "meanWaitS": stats.wait_sum / stats.served,
        "waitedShare": stats.waited / stats.served,
    }))


if __name__ == "__main__":
    main()
