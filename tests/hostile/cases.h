/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every hostile case, once: HCASE(name, daemon profile, extra daemon options).
 * Each case is its own meson test ('hostile / name', read from this file by
 * meson.build) and runs in its own process against its own daemon, with its
 * own connection and a bystander connection opened before the attack (see
 * hc.h). Profiles: NOOP (noop plugin, small limits), EXEC (exec plugin,
 * the hf_* library allowed), PLAIN and EXEC_PLAIN (that plugin, only the
 * options given), NONE (no daemon). One line per case: meson parses them.
 */
/* Wire-level malformation (cases_wire.c). */
HCASE(unknown_codes, NOOP, "")
HCASE(truncated_headers, NOOP, "")
HCASE(reserved_and_types, NOOP, "")
HCASE(wrong_directions, NOOP, "")
HCASE(too_many_args, NOOP, "")
HCASE(lengths_beyond_limits, NOOP, "")
HCASE(response_area, NOOP, "")
HCASE(unknown_sessions_and_resources, NOOP, "")
HCASE(bad_resource_uploads, NOOP, "")
HCASE(quadratic_reply, PLAIN, "--max-request-bytes=4194304")
/* Rings and the vhost-user protocol (cases_ring.c). */
HCASE(ring_abuse, NOOP, "")
HCASE(ring_corrupt, NOOP, "")
HCASE(ring_used_on_avail, NOOP, "")
HCASE(ring_used_aliased, NOOP, "")
HCASE(malformed_flood, NOOP, "")
HCASE(bad_vhost_user, NOOP, "")
HCASE(silent_connections, PLAIN, "--max-connections=4 --handshake-timeout-ms=500")
HCASE(half_sent_message, PLAIN, "--max-connections=4 --handshake-timeout-ms=500")
HCASE(out_of_fds, PLAIN, "--max-connections=200")
/* Guest memory (cases_mem.c). */
HCASE(unsealed_memfd, NOOP, "")
HCASE(sigbus_disk_file, NOOP, "")
HCASE(sigbus_hugetlb, NOOP, "")
HCASE(bounce_aliased_descriptors, PLAIN,
      "--max-request-bytes=67108864 --max-segments=256 --max-bounce-bytes=8388608")
HCASE(rss_stable, NOOP, "")
/* Per-connection state and limits (cases_conn.c). */
HCASE(other_connection_session, NOOP, "")
HCASE(concurrent_connections_isolated, NOOP, "")
HCASE(connection_limit, PLAIN, "--max-connections=3")
HCASE(disconnect_releases, NOOP, "")
HCASE(ids_never_reused, PLAIN, "")
HCASE(quota_sessions, PLAIN, "--max-sessions=8")
HCASE(quota_resources, PLAIN, "--max-resources=4")
HCASE(quota_upload_bytes, PLAIN, "--max-upload-bytes=65536")
HCASE(quota_mappings, PLAIN, "--max-mappings=5")
HCASE(stats_per_connection, PLAIN, "")
HCASE(poll_mode_idle, PLAIN, "--poll-us=500 --workers-per-queue=3")
HCASE(sigterm, NOOP, "")
HCASE(cli, NONE, "")
/* The state journal across a daemon restart (cases_state.c). */
HCASE(state_restart_keeps_ids, NONE, "")
HCASE(resume_without_state, NOOP, "")
/* Host code the guest names (cases_exec.c). */
HCASE(exec_policy, NOOP, "")
HCASE(exec_symbol_outside_library, EXEC, "")
HCASE(exec_upload_symbol_outside_library, EXEC, "--allow-exec-upload")
HCASE(exec_stuck_op, EXEC, "--workers-per-queue=1 --stuck-op-ms=300")
HCASE(quota_inflight, EXEC, "--workers-per-queue=1 --stuck-op-ms=200 --max-inflight=3")
HCASE(exec_bare_name, EXEC_PLAIN, "--exec-allow=libhfslow.so")
HCASE(slow_op_concurrency, EXEC, "--workers-per-queue=2")
/* The model ops' counts, tensors, result slots, ids, op types (cases_model.c). */
HCASE(model_ops_served, NOOP, "")
HCASE(model_counts, NOOP, "")
HCASE(model_tensor_shapes, NOOP, "")
HCASE(model_data_types, NOOP, "")
HCASE(model_result_capacity, NOOP, "")
HCASE(model_ids, NOOP, "")
HCASE(model_op_type_forms, NOOP, "")
HCASE(model_arg_limit, NOOP, "")
HCASE(model_arg_limit_wide, PLAIN, "--max-args=1024")
