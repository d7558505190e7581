package dev.evertone.provisioning;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A restore of credentials: to what they were at a moment, or to what they were before a batch
 * (undoing an import or a restore). Exactly one of {@code at} and {@code batch}.
 *
 * @param domain only this domain; null: every domain
 * @param lines only these lines ({@code authUser@domain}); with {@code macs} empty and this empty:
 *     every line
 * @param macs only the lines of these devices
 */
public record RestoreRequest(
    @Nullable Instant at,
    @Nullable String batch,
    @Nullable String domain,
    List<String> lines,
    List<String> macs,
    boolean dryRun,
    boolean confirmLarge) {
  public RestoreRequest {
    lines = lines == null ? List.of() : List.copyOf(lines);
    macs = macs == null ? List.of() : List.copyOf(macs);
  }
}
