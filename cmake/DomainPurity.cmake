# Domain purity (docs/ARCHITECTURE.md, "What keeps the domain pure").
#
# 1. At configure time: the domain libraries of the four services, and every
#    library they link (transitively), link nothing of gRPC, protobuf or
#    RocksDB and no generated proto library. A domain target that gains such a
#    dependency stops the configuration with the chain that brings it in.
# 2. As a CTest test (DomainPurity, so a plain `ctest` fails too):
#    scripts/check-code.sh, which fails when a file under services/*/domain/
#    includes a gRPC, protobuf or RocksDB header or a generated .pb.h.
# Why not include directories: those headers live in /usr/include, which the
# compiler searches for every target, so no per-target include path can hide
# them; only the link lists (1) and the include lines (2) can be checked.

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
set_tests_properties(DomainPurity PROPERTIES LABELS unit)
