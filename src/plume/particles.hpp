// SPDX-License-Identifier: MIT
/// \file particles.hpp
/// \brief Lagrangian sediment particles: structure-of-arrays storage in Kokkos Views, a counter-based
/// random stream per particle, and migration of particles between the ranks that own their columns.
///
/// The random numbers of a particle are a hash of (seed, particle id, step, draw), so its trajectory
/// does not depend on which rank holds it nor on the order of particles in memory: a run gives the
/// same particles, bit for bit, on any number of ranks.
#pragma once

#include <cstdint>
#include <vector>

#include <Kokkos_Core.hpp>
#include <mpi.h>

#include "grid/grid.hpp"
#include "numerics/kokkos_math.hpp"

namespace hadal::plume {

/// Life state of a particle.
enum ParticleState : int { kSuspended = 0, kDeposited = 1, kOutflow = 2 };
/// What happened to a particle during the last step (bookkept after migration, by the new owner).
enum ParticleEvent : int { kNoEvent = 0, kJustDeposited = 1, kJustEroded = 2, kJustLeft = 3 };

// ------------------------------------------------------------------------------------------------
// Counter-based random numbers (splitmix64 finaliser chained over the counter words).

KOKKOS_INLINE_FUNCTION std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Key of the stream of particle `id` at step `step`; draws are mix64(key + n * golden).
KOKKOS_INLINE_FUNCTION std::uint64_t stream_key(std::uint64_t seed, std::uint64_t id, std::uint64_t step) {
  return mix64(mix64(mix64(seed) ^ id) ^ (step * 0xD1B54A32D192ED03ULL));
}

/// Uniform in [0, 1) with 53 random bits (draw n of the stream).
KOKKOS_INLINE_FUNCTION double uniform01(std::uint64_t key, std::uint64_t n) {
  return static_cast<double>(mix64(key + n * 0x9E3779B97F4A7C15ULL) >> 11) * (1.0 / 9007199254740992.0);
}

/// Two independent standard normal numbers from draws n and n+1 (Box-Muller).
KOKKOS_INLINE_FUNCTION void normal_pair(std::uint64_t key, std::uint64_t n, double& a, double& b) {
  const double u1 = 1.0 - uniform01(key, n);  // (0, 1]: the log is finite
  const double u2 = uniform01(key, n + 1);
  const double r = km::sqrt(-2.0 * km::log(u1));
  const double angle = 6.283185307179586 * u2;
  a = r * km::cos(angle);
  b = r * km::sin(angle);
}

/// Zero-mean, unit-variance uniform number in [-sqrt 3, sqrt 3) (draw n).
KOKKOS_INLINE_FUNCTION double uniform_unit_variance(std::uint64_t key, std::uint64_t n) {
  return 1.7320508075688772 * (2.0 * uniform01(key, n) - 1.0);
}

// ------------------------------------------------------------------------------------------------

/// One host record of a particle (checkpoints, migration, tests).
struct ParticleRecord {
  double x = 0, y = 0, z = 0, mass = 0, age = 0;
  std::int64_t id = 0;
  int cls = 0, state = kSuspended, event = kNoEvent;
};

/// Particles held by one rank, structure of arrays; entries [0, size()) are live.
class ParticleSet {
 public:
  explicit ParticleSet(std::size_t capacity = 1024);

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return x.extent(0); }
  /// Grows the arrays (contents kept) to hold at least `n` particles.
  void reserve(std::size_t n);
  /// Appends host records.
  void append(const std::vector<ParticleRecord>& records);
  /// Host copy of the live particles.
  std::vector<ParticleRecord> to_host() const;
  /// Removes the particles listed in `sorted` (`count` ascending indices). The holes below the new
  /// size are filled with the surviving particles above it, so the cost is proportional to the
  /// number removed, not to the number held.
  void remove_sorted(const Kokkos::View<const int*>& sorted, std::size_t count);
  /// Host records of the particles listed in `list` (first `count` entries), in list order.
  std::vector<ParticleRecord> gather_listed(const Kokkos::View<const int*>& list, std::size_t count) const;
  /// Reorders the particles by `keys(p)` in [0, bins) (a counting sort, stable on one thread), so
  /// that particles sharing a key sit next to each other in memory.
  void sort_by_key(const Kokkos::View<const int*>& keys, int bins);

  Kokkos::View<double*> x, y, z, mass, age;
  Kokkos::View<std::int64_t*> id;
  Kokkos::View<int*> cls, state, event;

 private:
  void set_size(std::size_t n) { size_ = n; }
  std::size_t size_ = 0;
};

/// Ownership of every column by rank (the grid's decomposition gathered once), and the exchange
/// of particles whose column moved to another rank.
class ParticleMigrator {
 public:
  explicit ParticleMigrator(const grid::StructuredGrid& grid);
  /// Owner rank of each global column (gi, gj), on the default memory space.
  Kokkos::View<int**> owner() const { return owner_; }
  struct Result {
    std::size_t sent = 0, received = 0;
  };
  /// Removes the particles listed in `leaving` (`count` ascending indices) and sends each one with
  /// destination(p) >= 0 to that rank (destination -1: it left the domain and is dropped); the
  /// particles received are appended. Collective: every rank calls it every step.
  Result exchange(ParticleSet& particles, const Kokkos::View<const int*>& leaving, std::size_t count,
                  const Kokkos::View<const int*>& destination);

 private:
  const grid::StructuredGrid& grid_;
  Kokkos::View<int**> owner_;
};

}  // namespace hadal::plume
