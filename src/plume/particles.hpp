// SPDX-License-Identifier: MIT
/// \file particles.hpp
/// \brief Lagrangian sediment particles: structure-of-arrays storage in Kokkos Views and migration of
/// particles between the ranks that own their columns (their states and random streams:
/// particle_random.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include <Kokkos_Core.hpp>
#include <mpi.h>

#include "grid/grid.hpp"
#include "plume/particle_random.hpp"

namespace hadal::plume {

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
