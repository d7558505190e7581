package dev.evertone.store.provisioning;

import dev.evertone.store.Actor;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Domains, users, devices and lines: read them, and change them with a {@link ChangeSet}. */
public interface ProvisioningRepository {

  /** Everything stored for {@code domains} (every domain if null): users, devices and lines. */
  ProvisioningState load(@Nullable Set<String> domains);

  /** The devices, in any domain, that have one of {@code macs} (normalised). */
  List<Device> devicesWithMacs(Collection<String> macs);

  /**
   * The auth users of the lines on the devices of the user with {@code extension} in {@code
   * domain}: whom a call to it rings.
   */
  List<String> authUsersOfExtension(String domain, String extension);

  /**
   * Applies {@code changes} in one transaction, or nothing of it: {@link ValidationException} for a
   * value that may not be stored, {@link ConflictException} if a row changed since it was read or a
   * unique name would be taken twice, {@link NotFoundException} for a domain that does not exist.
   */
  void apply(ChangeSet changes, Actor actor);

  /**
   * The lines within {@code scope} with their secrets decrypted, for a backup; ordered by domain
   * and auth user.
   */
  List<ExportedLine> export(Scope scope);

  /**
   * The fingerprint that {@link Line#secretHash()} would hold for {@code secret} on line {@code
   * key}: equal fingerprints mean equal secrets.
   */
  String fingerprint(LineKey key, String secret);

  /** A line with everything a provisioning file says of it, secret included. */
  record ExportedLine(
      String domain,
      @Nullable String extension,
      @Nullable String displayName,
      @Nullable String mac,
      @Nullable String model,
      @Nullable String description,
      int lineNo,
      String authUser,
      String secret) {
    @Override
    public String toString() {
      return "ExportedLine[" + authUser + "@" + domain + ", secret=(hidden)]";
    }
  }
}
