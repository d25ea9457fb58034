#include "crawler/state_txn.h"

namespace pressarc::internal {

void StateTxn::Ensure() {
  if (open_) return;
  Status st = catalogue_->Begin();
  if (!st.ok()) return Fail(st);
  open_ = true;
  rows_ = 0;
}

void StateTxn::Write(const Status& st) {
  if (!st.ok()) Fail(st);
}

Status StateTxn::Commit() {
  if (!open_) return Status::Ok();
  Status st = catalogue_->Commit();
  open_ = false;
  if (!st.ok()) Fail(st);
  return st;
}

void StateTxn::Close(bool keep) {
  if (!open_) return;
  if (keep) (void)catalogue_->Commit();
  open_ = false;
}

}  // namespace pressarc::internal
