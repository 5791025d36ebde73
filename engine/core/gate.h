// BackgroundGate: lets background work (scrm serve's CRM sync, matching,
// retention and polling) step aside while an admin restores an import over
// the API (service/transfer.h), so that nothing writes into a database
// being restored. Thread-safe.
#ifndef SCRM_CORE_GATE_H_
#define SCRM_CORE_GATE_H_

#include <mutex>
#include <shared_mutex>

namespace scrm {

class BackgroundGate {
 public:
  // A background task's pass, held while it runs; it does not own the lock
  // (the task skips its round) while the gate is closed.
  std::shared_lock<std::shared_mutex> TryEnter() { return std::shared_lock<std::shared_mutex>(mu_, std::try_to_lock); }
  // Closes the gate until the lock is released: waits for the passes in
  // progress, then keeps new ones out.
  std::unique_lock<std::shared_mutex> Close() { return std::unique_lock<std::shared_mutex>(mu_); }

 private:
  std::shared_mutex mu_;
};

}  // namespace scrm

#endif  // SCRM_CORE_GATE_H_
