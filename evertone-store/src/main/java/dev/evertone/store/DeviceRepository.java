package dev.evertone.store;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Devices (SIP accounts) and their passwords. */
public interface DeviceRepository {

  /**
   * Adds a device to an existing domain. Fails with {@link ValidationException} for a bad value,
   * {@link NotFoundException} for an unknown domain, {@link ConflictException} if the user exists.
   */
  Device add(String domain, String username, String secret, @Nullable String displayName);

  /**
   * Adds many devices to one domain in a single transaction: all of them or, if any value is invalid or
   * any user exists, none. Returns how many were added.
   */
  int addAll(String domain, List<NewDevice> devices);

  /** A device to add: user, password and optional display name. */
  record NewDevice(String username, String secret, @Nullable String displayName) {
    @Override
    public String toString() {
      return "NewDevice[" + username + ", secret=(hidden)]";
    }
  }

  /** Every device, or those of one domain, ordered by domain and user. */
  List<Device> list(@Nullable String domain);

  Optional<Device> find(String domain, String username);

  /** Replaces a device's password; {@link NotFoundException} if there is no such device. */
  void setSecret(String domain, String username, String secret);

  /** Removes a device; {@link NotFoundException} if there is none. */
  void remove(String domain, String username);

  /** The decrypted password of a device, for digest authentication. */
  Optional<DeviceCredential> credential(String domain, String username);

  /** Number of devices in a domain (every domain if null). */
  int count(@Nullable String domain);
}
