# Domain purity (docs/ARCHITECTURE.md, "What keeps the domain pure").
#
# 1. At configure time: the domain libraries of the four services, and every
#    library they link (transitively), link nothing of gRPC, protobuf or
#    RocksDB and no generated proto library. A domain target that gains such a
#    dependency stops the configuration with the chain that brings it in.
# 2. As a CTest test (DomainPurity, so a plain `ctest` fails too):
#    scripts/check-code.sh, which fails when a file under services/*/domain/
#    includes a gRPC, protobuf or RocksDB header or a generated .pb.h.
# 3. As CTest tests (DomainIncludeFence*), by the compiler: the domain files
#    preprocess behind an include path without gRPC, protobuf and RocksDB
#    (below).
# Why not include directories: those headers live in /usr/include, which the
# compiler searches for every target, so no per-target include directory can
# hide them; the fence (3) replaces the search path itself.

set(ECOPLAN_DOMAIN_TARGETS
    registry_domain_parser registry_domain
    progress_domain
    indicator_domain_air_quality indicator_domain indicator_assessments indicator_use_cases
    notification_domain)

# A linked item that is not pure: gRPC, protobuf, RocksDB, or a proto library
# (proto_<package> of proto/, <service>_storage_proto of the storage records).
set(_ECOPLAN_IMPURE_LINK_REGEX
    "(^|[/:])(gRPC|grpc|grpc\\+\\+|protobuf|libprotobuf|RocksDB|rocksdb)([:.]|$)|^gRPC::|^protobuf::|^RocksDB::|^proto_|_proto$")

# Checks `item` (a link item of `chain`'s last target) and, for a target,
# everything it links in turn. `visited_var` names the list of targets seen.
function(_ecoplan_check_pure_link item chain visited_var)
  # $<LINK_ONLY:x> (how a static library passes on its private dependencies)
  # counts as x; other generator expressions are left out.
  string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
  if(item MATCHES "^\\$<" OR item STREQUAL "")
    return()
  endif()
  if(item MATCHES "${_ECOPLAN_IMPURE_LINK_REGEX}")
    message(FATAL_ERROR "Domain purity: ${chain} -> ${item}: a domain library links gRPC, "
                        "protobuf, RocksDB or a proto library (see cmake/DomainPurity.cmake)")
  endif()
  if(NOT TARGET "${item}")
    return()
  endif()
  get_target_property(aliased "${item}" ALIASED_TARGET)
  if(aliased)
    set(item "${aliased}")
  endif()
  if("${item}" IN_LIST ${visited_var})
    return()
  endif()
  set(visited ${${visited_var}} "${item}")
  set(links)
  get_target_property(imported "${item}" IMPORTED)
  if(NOT imported)
    get_target_property(direct "${item}" LINK_LIBRARIES)
    if(direct)
      list(APPEND links ${direct})
    endif()
  endif()
  get_target_property(interface "${item}" INTERFACE_LINK_LIBRARIES)
  if(interface)
    list(APPEND links ${interface})
  endif()
  foreach(link IN LISTS links)
    _ecoplan_check_pure_link("${link}" "${chain} -> ${item}" visited)
  endforeach()
  set(${visited_var} ${visited} PARENT_SCOPE)
endfunction()

foreach(target IN LISTS ECOPLAN_DOMAIN_TARGETS)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "Domain purity: no target ${target} (update cmake/DomainPurity.cmake)")
  endif()
  set(_ecoplan_visited)
  _ecoplan_check_pure_link(${target} "domain" _ecoplan_visited)
endforeach()

add_test(NAME DomainPurity COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-code.sh
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(DomainPurity PROPERTIES LABELS purity)

# 3. The include fence, checked by the compiler (GCC and Clang): per-target
#    include directories cannot hide /usr/include, so the test builds its own
#    search path. The folder domain_include_fence/usr_include holds a link to
#    every entry of /usr/include except grpc, grpcpp, grpc++, google and rocksdb;
#    the flags are -nostdinc and the compiler's implicit include directories,
#    with /usr/include replaced by that folder, and the source root (not the
#    generated protos). DomainIncludeFence preprocesses every domain file behind
#    it (scripts/check-domain-include-fence.sh); DomainIncludeFenceHides_* check
#    that the fence really hides an installed header of each library.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND IS_DIRECTORY /usr/include)
  set(_ecoplan_fence ${CMAKE_BINARY_DIR}/domain_include_fence/usr_include)
  file(REMOVE_RECURSE ${_ecoplan_fence})
  file(MAKE_DIRECTORY ${_ecoplan_fence})
  file(GLOB _ecoplan_entries RELATIVE /usr/include /usr/include/*)
  foreach(entry IN LISTS _ecoplan_entries)
    if(NOT entry MATCHES "^(grpc|grpcpp|grpc\\+\\+|google|rocksdb)$")
      file(CREATE_LINK /usr/include/${entry} ${_ecoplan_fence}/${entry} SYMBOLIC)
    endif()
  endforeach()
  set(_ecoplan_fence_flags -nostdinc)
  foreach(dir IN LISTS CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    if(dir STREQUAL "/usr/include")
      list(APPEND _ecoplan_fence_flags -isystem ${_ecoplan_fence})
    else()
      list(APPEND _ecoplan_fence_flags -isystem ${dir})
    endif()
  endforeach()
  list(APPEND _ecoplan_fence_flags -I${CMAKE_SOURCE_DIR} -std=c++17 -x c++)

  add_test(NAME DomainIncludeFence
           COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-domain-include-fence.sh
                   ${CMAKE_CXX_COMPILER} ${_ecoplan_fence_flags})
  set_tests_properties(DomainIncludeFence PROPERTIES LABELS purity)
  foreach(header grpcpp/grpcpp.h google/protobuf/message.h rocksdb/db.h)
    string(MAKE_C_IDENTIFIER ${header} id)
    add_test(NAME DomainIncludeFenceHides_${id}
             COMMAND ${CMAKE_SOURCE_DIR}/scripts/check-domain-include-fence.sh --probe ${header}
                     ${CMAKE_CXX_COMPILER} ${_ecoplan_fence_flags})
    set_tests_properties(DomainIncludeFenceHides_${id} PROPERTIES LABELS purity)
  endforeach()
endif()
