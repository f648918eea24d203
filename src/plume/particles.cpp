// SPDX-License-Identifier: MIT
#include "plume/particles.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace hadal::plume {

ParticleSet::ParticleSet(std::size_t capacity)
    : x("particle_x", capacity),
      y("particle_y", capacity),
      z("particle_z", capacity),
      mass("particle_mass", capacity),
      age("particle_age", capacity),
      id("particle_id", capacity),
      cls("particle_class", capacity),
      state("particle_state", capacity),
      event("particle_event", capacity) {}

void ParticleSet::reserve(std::size_t n) {
  if (n <= capacity()) return;
  const std::size_t grown = std::max(n, capacity() + capacity() / 2 + 1024);
  Kokkos::resize(x, grown);
  Kokkos::resize(y, grown);
  Kokkos::resize(z, grown);
  Kokkos::resize(mass, grown);
  Kokkos::resize(age, grown);
  Kokkos::resize(id, grown);
  Kokkos::resize(cls, grown);
  Kokkos::resize(state, grown);
  Kokkos::resize(event, grown);
}

void ParticleSet::append(const std::vector<ParticleRecord>& records) {
  if (records.empty()) return;
  const std::size_t n0 = size_, n = records.size();
  reserve(n0 + n);
  const std::pair<std::size_t, std::size_t> range(n0, n0 + n);
  auto hx = Kokkos::create_mirror_view(Kokkos::subview(x, range));
  auto hy = Kokkos::create_mirror_view(Kokkos::subview(y, range));
  auto hz = Kokkos::create_mirror_view(Kokkos::subview(z, range));
  auto hm = Kokkos::create_mirror_view(Kokkos::subview(mass, range));
  auto ha = Kokkos::create_mirror_view(Kokkos::subview(age, range));
  auto hi = Kokkos::create_mirror_view(Kokkos::subview(id, range));
  auto hc = Kokkos::create_mirror_view(Kokkos::subview(cls, range));
  auto hs = Kokkos::create_mirror_view(Kokkos::subview(state, range));
  auto he = Kokkos::create_mirror_view(Kokkos::subview(event, range));
  for (std::size_t p = 0; p < n; ++p) {
    const auto& r = records[p];
    hx(p) = r.x, hy(p) = r.y, hz(p) = r.z, hm(p) = r.mass, ha(p) = r.age;
    hi(p) = r.id, hc(p) = r.cls, hs(p) = r.state, he(p) = r.event;
  }
  Kokkos::deep_copy(Kokkos::subview(x, range), hx);
  Kokkos::deep_copy(Kokkos::subview(y, range), hy);
  Kokkos::deep_copy(Kokkos::subview(z, range), hz);
  Kokkos::deep_copy(Kokkos::subview(mass, range), hm);
  Kokkos::deep_copy(Kokkos::subview(age, range), ha);
  Kokkos::deep_copy(Kokkos::subview(id, range), hi);
  Kokkos::deep_copy(Kokkos::subview(cls, range), hc);
  Kokkos::deep_copy(Kokkos::subview(state, range), hs);
  Kokkos::deep_copy(Kokkos::subview(event, range), he);
  size_ = n0 + n;
}

std::vector<ParticleRecord> ParticleSet::to_host() const {
  Kokkos::View<int*> all("all", size_);
  Kokkos::deep_copy(all, 1);
  return gather_flagged(all);
}

std::vector<ParticleRecord> ParticleSet::gather_flagged(const Kokkos::View<int*>& flag) const {
  const std::size_t n = size_;
  Kokkos::View<std::size_t*> where("gather_index", n + 1);
  Kokkos::parallel_scan(
      "particles_gather_scan", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p, std::size_t& offset, bool final) {
        if (final) where(p) = offset;
        if (flag(p)) ++offset;
      });
  std::size_t count = 0;
  Kokkos::parallel_reduce(
      "particles_gather_count", Kokkos::RangePolicy<>(0, n),
      KOKKOS_LAMBDA(std::size_t p, std::size_t& c) { c += flag(p) ? 1 : 0; }, count);
  // Packed as 9 doubles per particle (integers are exact in a double below 2^53).
  Kokkos::View<double**> packed("gather_packed", count, 9);
  const auto X = x, Y = y, Z = z, M = mass, A = age;
  const auto I = id;
  const auto C = cls, S = state, E = event;
  Kokkos::parallel_for(
      "particles_gather_pack", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p) {
        if (!flag(p)) return;
        const std::size_t q = where(p);
        packed(q, 0) = X(p), packed(q, 1) = Y(p), packed(q, 2) = Z(p), packed(q, 3) = M(p), packed(q, 4) = A(p);
        packed(q, 5) = static_cast<double>(I(p)), packed(q, 6) = C(p), packed(q, 7) = S(p), packed(q, 8) = E(p);
      });
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), packed);
  std::vector<ParticleRecord> out(count);
  for (std::size_t q = 0; q < count; ++q) {
    auto& r = out[q];
    r.x = host(q, 0), r.y = host(q, 1), r.z = host(q, 2), r.mass = host(q, 3), r.age = host(q, 4);
    r.id = static_cast<std::int64_t>(host(q, 5));
    r.cls = static_cast<int>(host(q, 6)), r.state = static_cast<int>(host(q, 7)), r.event = static_cast<int>(host(q, 8));
  }
  return out;
}

std::size_t ParticleSet::remove_flagged(const Kokkos::View<int*>& remove) {
  const std::size_t n = size_;
  std::size_t m = 0;
  Kokkos::parallel_reduce(
      "particles_remove_count", Kokkos::RangePolicy<>(0, n),
      KOKKOS_LAMBDA(std::size_t p, std::size_t& c) { c += remove(p) ? 1 : 0; }, m);
  if (m == 0) return 0;
  const std::size_t kept = n - m;
  // Holes below `kept` are filled with the live particles above it, pairing the h-th hole with the
  // h-th live tail particle.
  Kokkos::View<std::size_t*> holes("particle_holes", m), movers("particle_movers", m);
  Kokkos::parallel_scan(
      "particles_holes", Kokkos::RangePolicy<>(0, kept), KOKKOS_LAMBDA(std::size_t p, std::size_t& h, bool final) {
        if (remove(p)) {
          if (final) holes(h) = p;
          ++h;
        }
      });
  Kokkos::parallel_scan(
      "particles_movers", Kokkos::RangePolicy<>(kept, n), KOKKOS_LAMBDA(std::size_t p, std::size_t& h, bool final) {
        if (!remove(p)) {
          if (final) movers(h) = p;
          ++h;
        }
      });
  std::size_t hole_count = 0;
  Kokkos::parallel_reduce(
      "particles_hole_count", Kokkos::RangePolicy<>(0, kept),
      KOKKOS_LAMBDA(std::size_t p, std::size_t& c) { c += remove(p) ? 1 : 0; }, hole_count);
  const auto X = x, Y = y, Z = z, M = mass, A = age;
  const auto I = id;
  const auto C = cls, S = state, E = event;
  Kokkos::parallel_for(
      "particles_fill_holes", Kokkos::RangePolicy<>(0, hole_count), KOKKOS_LAMBDA(std::size_t h) {
        const std::size_t to = holes(h), from = movers(h);
        X(to) = X(from), Y(to) = Y(from), Z(to) = Z(from), M(to) = M(from), A(to) = A(from);
        I(to) = I(from), C(to) = C(from), S(to) = S(from), E(to) = E(from);
      });
  size_ = kept;
  return m;
}

// ------------------------------------------------------------------------------------------------

ParticleMigrator::ParticleMigrator(const grid::StructuredGrid& grid)
    : grid_(grid), owner_("column_owner", grid.nx(), grid.ny()), flag_("migration_flag", 0) {
  const auto& box = grid.owned();
  int mine[4] = {box.i_begin, box.i_end, box.j_begin, box.j_end};
  std::vector<int> all(static_cast<std::size_t>(4 * grid.size()));
  MPI_Allgather(mine, 4, MPI_INT, all.data(), 4, MPI_INT, grid.comm());
  auto host = Kokkos::create_mirror_view(owner_);
  for (int r = 0; r < grid.size(); ++r) {
    const int* b = &all[static_cast<std::size_t>(4 * r)];
    for (int j = b[2]; j < b[3]; ++j)
      for (int i = b[0]; i < b[1]; ++i) host(i, j) = r;
  }
  Kokkos::deep_copy(owner_, host);
}

std::size_t ParticleMigrator::migrate(ParticleSet& particles) {
  const std::size_t n = particles.size();
  if (flag_.extent(0) < n) flag_ = Kokkos::View<int*>("migration_flag", particles.capacity());
  const auto flag = flag_;
  const auto X = particles.x, Y = particles.y;
  const auto E = particles.event;
  const auto owner = owner_;
  const double x0 = grid_.spec().x0, y0 = grid_.spec().y0, inv_dx = 1.0 / grid_.dx(), inv_dy = 1.0 / grid_.dy();
  const int nx = grid_.nx(), ny = grid_.ny(), me = grid_.rank();
  // flag: 0 stays, 1 + rank goes to that rank, -1 leaves the domain.
  Kokkos::parallel_for(
      "particles_destination", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p) {
        if (E(p) == kJustLeft) {
          flag(p) = -1;
          return;
        }
        int gi = static_cast<int>((X(p) - x0) * inv_dx), gj = static_cast<int>((Y(p) - y0) * inv_dy);
        gi = gi < 0 ? 0 : (gi >= nx ? nx - 1 : gi);
        gj = gj < 0 ? 0 : (gj >= ny ? ny - 1 : gj);
        const int r = owner(gi, gj);
        flag(p) = r == me ? 0 : 1 + r;
      });
  std::vector<ParticleRecord> leaving;
  std::vector<int> destination;
  const int ranks = grid_.size();
  if (ranks > 1) {
    Kokkos::View<int*> sending("migration_sending", n);
    Kokkos::parallel_for(
        "particles_sending", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p) { sending(p) = flag(p) > 0 ? 1 : 0; });
    leaving = particles.gather_flagged(sending);
    // The destinations in the same (scan) order as `leaving`.
    Kokkos::View<int*> dest("migration_dest", leaving.size());
    Kokkos::View<std::size_t*> where("migration_where", n);
    Kokkos::parallel_scan(
        "particles_dest_scan", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p, std::size_t& o, bool final) {
          if (sending(p)) {
            if (final) dest(o) = flag(p) - 1;
            ++o;
          }
        });
    auto host_dest = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dest);
    destination.assign(host_dest.data(), host_dest.data() + leaving.size());
  }
  // Remove both the leavers and the particles that left the domain.
  Kokkos::View<int*> remove("migration_remove", n);
  Kokkos::parallel_for(
      "particles_remove_flag", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t p) { remove(p) = flag(p) != 0 ? 1 : 0; });
  particles.remove_flagged(remove);
  if (ranks == 1) return 0;

  // Exchange: counts, then records packed as doubles.
  constexpr int kWords = 9;
  std::vector<int> send_counts(static_cast<std::size_t>(ranks), 0), recv_counts(send_counts.size(), 0);
  for (int d : destination) send_counts[static_cast<std::size_t>(d)] += kWords;
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, grid_.comm());
  std::vector<int> send_offsets(send_counts.size(), 0), recv_offsets(send_counts.size(), 0);
  for (std::size_t r = 1; r < send_counts.size(); ++r) {
    send_offsets[r] = send_offsets[r - 1] + send_counts[r - 1];
    recv_offsets[r] = recv_offsets[r - 1] + recv_counts[r - 1];
  }
  std::vector<double> send(static_cast<std::size_t>(send_offsets.back() + send_counts.back()));
  std::vector<double> recv(static_cast<std::size_t>(recv_offsets.back() + recv_counts.back()));
  std::vector<int> cursor = send_offsets;
  for (std::size_t q = 0; q < leaving.size(); ++q) {
    const auto& r = leaving[q];
    double* w = &send[static_cast<std::size_t>(cursor[static_cast<std::size_t>(destination[q])])];
    cursor[static_cast<std::size_t>(destination[q])] += kWords;
    w[0] = r.x, w[1] = r.y, w[2] = r.z, w[3] = r.mass, w[4] = r.age;
    w[5] = static_cast<double>(r.id), w[6] = r.cls, w[7] = r.state, w[8] = r.event;
  }
  MPI_Alltoallv(send.data(), send_counts.data(), send_offsets.data(), MPI_DOUBLE, recv.data(), recv_counts.data(),
                recv_offsets.data(), MPI_DOUBLE, grid_.comm());
  std::vector<ParticleRecord> arriving(recv.size() / kWords);
  for (std::size_t q = 0; q < arriving.size(); ++q) {
    const double* w = &recv[q * kWords];
    auto& r = arriving[q];
    r.x = w[0], r.y = w[1], r.z = w[2], r.mass = w[3], r.age = w[4];
    r.id = static_cast<std::int64_t>(w[5]);
    r.cls = static_cast<int>(w[6]), r.state = static_cast<int>(w[7]), r.event = static_cast<int>(w[8]);
  }
  particles.append(arriving);
  return leaving.size();
}

}  // namespace hadal::plume
