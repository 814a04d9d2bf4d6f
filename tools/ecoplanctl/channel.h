#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

namespace ecoplan::ctl {

// Creates the channel to one ecoplan server at `address` (host:port). Every
// command gets its channels here, so authentication (TLS, bearer tokens) is
// added in this one place.
// TODO(ecoplanctl): TLS and bearer tokens once the services authenticate callers.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

}  // namespace ecoplan::ctl
