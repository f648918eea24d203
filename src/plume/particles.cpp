// SPDX-License-Identifier: MIT
#include "plume/particles.hpp"

#include <algorithm>
#include <cstring>

#include <Kokkos_Sort.hpp>

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
  Kokkos::parallel_for(
      "particles_all", Kokkos::RangePolicy<>(0, size_), KOKKOS_LAMBDA(std::size_t p) { all(p) = static_cast<int>(p); });
  return gather_listed(all, size_);
}

std::vector<ParticleRecord> ParticleSet::gather_listed(const Kokkos::View<const int*>& list, std::size_t count) const {
  // Packed as 9 doubles per particle (integers are exact in a double below 2^53).
  Kokkos::View<double**> packed("gather_packed", count, 9);
  const auto X = x, Y = y, Z = z, M = mass, A = age;
  const auto I = id;
  const auto C = cls, S = state, E = event;
  Kokkos::parallel_for(
      "particles_gather_pack", Kokkos::RangePolicy<>(0, count), KOKKOS_LAMBDA(std::size_t q) {
        const int p = list(q);
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

void ParticleSet::remove_sorted(const Kokkos::View<const int*>& sorted, std::size_t count) {
  if (count == 0) return;
  const std::size_t n = size_, kept = n - count;
  // The listed indices below `kept` are the holes; the same number of survivors sit in [kept, n)
  // (the tail holds `count` particles, count - holes of them listed). Pair the h-th hole with the
  // h-th survivor of the tail.
  std::size_t holes = 0;
  Kokkos::parallel_reduce(
      "particles_hole_count", Kokkos::RangePolicy<>(0, count),
      KOKKOS_LAMBDA(std::size_t q, std::size_t& c) { c += static_cast<std::size_t>(sorted(q)) < kept ? 1 : 0; }, holes);
  if (holes == 0) {
    size_ = kept;
    return;
  }
  Kokkos::View<int*> movers("particle_movers", holes);
  const std::size_t listed_tail = count - holes;
  Kokkos::parallel_scan(
      "particles_movers", Kokkos::RangePolicy<>(kept, n), KOKKOS_LAMBDA(std::size_t p, std::size_t& h, bool final) {
        // Is p listed? Binary search in the tail part of the sorted list.
        std::size_t lo = holes, hi = holes + listed_tail;
        while (lo < hi) {
          const std::size_t mid = (lo + hi) / 2;
          if (static_cast<std::size_t>(sorted(mid)) < p) lo = mid + 1;
          else hi = mid;
        }
        const bool listed = lo < holes + listed_tail && static_cast<std::size_t>(sorted(lo)) == p;
        if (!listed) {
          if (final) movers(h) = static_cast<int>(p);
          ++h;
        }
      });
  const auto X = x, Y = y, Z = z, M = mass, A = age;
  const auto I = id;
  const auto C = cls, S = state, E = event;
  Kokkos::parallel_for(
      "particles_fill_holes", Kokkos::RangePolicy<>(0, holes), KOKKOS_LAMBDA(std::size_t h) {
        const int to = sorted(h), from = movers(h);
        X(to) = X(from), Y(to) = Y(from), Z(to) = Z(from), M(to) = M(from), A(to) = A(from);
        I(to) = I(from), C(to) = C(from), S(to) = S(from), E(to) = E(from);
      });
  size_ = kept;
}

namespace {
template <class ViewType, class Order>
void permute(ViewType& values, ViewType& scratch, const Order& order, std::size_t n) {
  if (scratch.extent(0) < values.extent(0)) {
    scratch = ViewType(Kokkos::view_alloc(Kokkos::WithoutInitializing, values.label()), values.extent(0));
  }
  const auto src = values, dst = scratch;
  Kokkos::parallel_for(
      "particles_permute", Kokkos::RangePolicy<>(0, n), KOKKOS_LAMBDA(std::size_t q) { dst(q) = src(order(q)); });
  std::swap(values, scratch);
}
}  // namespace

void ParticleSet::sort_by_key(const Kokkos::View<const int*>& keys, int bins) {
  const std::size_t n = size_;
  if (n < 2) return;
  using Op = Kokkos::BinOp1D<Kokkos::View<const int*>>;
  Kokkos::BinSort<Kokkos::View<const int*>, Op> sorter(keys, 0, static_cast<int>(n), Op(bins, 0, bins), false);
  sorter.create_permute_vector();
  const auto order = sorter.get_permute_vector();
  // One scratch array per type, swapped with each array in turn (no full copy of the set kept).
  Kokkos::View<double*> scratch_d;
  Kokkos::View<std::int64_t*> scratch_l;
  Kokkos::View<int*> scratch_i;
  permute(x, scratch_d, order, n);
  permute(y, scratch_d, order, n);
  permute(z, scratch_d, order, n);
  permute(mass, scratch_d, order, n);
  permute(age, scratch_d, order, n);
  permute(id, scratch_l, order, n);
  permute(cls, scratch_i, order, n);
  permute(state, scratch_i, order, n);
  permute(event, scratch_i, order, n);
}

// ------------------------------------------------------------------------------------------------

ParticleMigrator::ParticleMigrator(const grid::StructuredGrid& grid) : grid_(grid), owner_("column_owner", grid.nx(), grid.ny()) {
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

ParticleMigrator::Result ParticleMigrator::exchange(ParticleSet& particles, const Kokkos::View<const int*>& leaving,
                                                   std::size_t count, const Kokkos::View<const int*>& destination) {
  Result result;
  const int ranks = grid_.size();
  std::vector<ParticleRecord> sending;
  std::vector<int> target;
  if (ranks > 1 && count > 0) {
    // The listed particles bound for another rank (not those that left the domain), in list order.
    Kokkos::View<int*> bound("migration_bound", count);
    std::size_t bound_count = 0;
    Kokkos::parallel_scan(
        "particles_bound", Kokkos::RangePolicy<>(0, count), KOKKOS_LAMBDA(std::size_t q, std::size_t& o, bool final) {
          if (destination(leaving(q)) >= 0) {
            if (final) bound(o) = leaving(q);
            ++o;
          }
        },
        bound_count);
    sending = particles.gather_listed(bound, bound_count);
    Kokkos::View<int*> dest("migration_dest", bound_count);
    Kokkos::parallel_for(
        "particles_dest", Kokkos::RangePolicy<>(0, bound_count), KOKKOS_LAMBDA(std::size_t q) { dest(q) = destination(bound(q)); });
    auto host_dest = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), dest);
    target.assign(host_dest.data(), host_dest.data() + bound_count);
  }
  particles.remove_sorted(leaving, count);
  result.sent = sending.size();
  if (ranks == 1) return result;

  // Exchange: counts, then records packed as doubles.
  constexpr int kWords = 9;
  std::vector<int> send_counts(static_cast<std::size_t>(ranks), 0), recv_counts(send_counts.size(), 0);
  for (int d : target) send_counts[static_cast<std::size_t>(d)] += kWords;
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, grid_.comm());
  std::vector<int> send_offsets(send_counts.size(), 0), recv_offsets(send_counts.size(), 0);
  for (std::size_t r = 1; r < send_counts.size(); ++r) {
    send_offsets[r] = send_offsets[r - 1] + send_counts[r - 1];
    recv_offsets[r] = recv_offsets[r - 1] + recv_counts[r - 1];
  }
  std::vector<double> send(static_cast<std::size_t>(send_offsets.back() + send_counts.back()));
  std::vector<double> recv(static_cast<std::size_t>(recv_offsets.back() + recv_counts.back()));
  std::vector<int> cursor = send_offsets;
  for (std::size_t q = 0; q < sending.size(); ++q) {
    const auto& r = sending[q];
    double* w = &send[static_cast<std::size_t>(cursor[static_cast<std::size_t>(target[q])])];
    cursor[static_cast<std::size_t>(target[q])] += kWords;
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
  result.received = arriving.size();
  return result;
}

}  // namespace hadal::plume
