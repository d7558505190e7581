package dev.evertone.provisioning;

import dev.evertone.store.ValidationException;
import dev.evertone.store.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The audit log as provisioning reads it: newest first, of one batch or since a moment. */
final class AuditService {
  private final ProvisioningContext context;

  AuditService(ProvisioningContext context) {
    this.context = context;
  }

  List<AuditEvent> list(@Nullable String batch, @Nullable Instant since, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new ValidationException("limit", "must be between 1 and 10000");
    }
    return context.store().audit().list(batch, since, limit);
  }
}
