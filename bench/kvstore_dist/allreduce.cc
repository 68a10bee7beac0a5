// allreduce.cc - the anchor of bench/kvstore_dist: MPI_Allreduce (sum, in
// place) of K buffers of N float32 per iteration among the job's ranks, the
// bytes a KVStore push+pull of K keys moves. Prints seconds per iteration
// (median of the iterations after one warm-up) on rank 0 as one JSON line.
//
//   mpirun -np 2 build/bin/bench_mpi_allreduce [keys=100] [elements=1000000] [iters=5]
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int keys = argc > 1 ? std::atoi(argv[1]) : 100;
  long n = argc > 2 ? std::atol(argv[2]) : 1000000;
  int iters = argc > 3 ? std::atoi(argv[3]) : 5;
  std::vector<std::vector<float>> bufs(size_t(keys), std::vector<float>(size_t(n), 1.0f));
  std::vector<double> times;
  for (int it = 0; it <= iters; ++it) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (auto &b : bufs)
      MPI_Allreduce(MPI_IN_PLACE, b.data(), int(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    double t = MPI_Wtime() - t0;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (it > 0) // the first is warm-up
      times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  if (rank == 0)
    std::printf("{\"ranks\": %d, \"keys\": %d, \"elements\": %ld, \"sec_per_iter\": %.6f}\n", size,
                keys, n, times[times.size() / 2]);
  MPI_Finalize();
  return 0;
}
