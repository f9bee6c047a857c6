package dev.cacheflush.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The last line of an audit, written however the flush ended: whether the list is the whole of a
 * completed deletion, and how many key lines are above it (so a cut or edited file shows).
 *
 * @param complete true when the deletion ran to its end; false after a failure, the deadline, the
 *     --max-keys cap or a stop request, when more keys matched than were sent
 * @param outcome how the deletion ended, as the report's {@code outcome} names it
 * @param keys the key lines above this one
 * @param keysDeleted the report's {@code keysDeleted}: the sum of UNLINK's replies, which leaves out
 *     keys that were gone before their UNLINK came, so it may be lower than {@code keys}
 * @param finishedAt when the audit was closed
 */
@JsonPropertyOrder({"complete", "outcome", "keys", "keysDeleted", "finishedAt"})
public record AuditTrailer(
    boolean complete, String outcome, long keys, long keysDeleted, String finishedAt) {}
