package dev.evertone.bench;

import dev.evertone.store.DeviceRepository;
import dev.evertone.store.Store;
import dev.evertone.store.StoreConfig;
import dev.evertone.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Provisions the benchmark users of {@code make-users.sh} into an evertone data directory: domain
 * {@code bench.test}, users u100000.. with password "pw" + user, as Kamailio's benchmark configuration
 * derives them.
 *
 * <p>usage: Provision DATA_DIR COUNT
 */
public final class Provision {
  private Provision() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: Provision DATA_DIR COUNT");
    }
    int count = Integer.parseInt(args[1]);
    try (Store store = JdbcStore.open(new StoreConfig(null, Path.of(args[0]), null, 2), Clock.systemUTC())) {
      if (store.domains().find("bench.test").isEmpty()) {
        store.domains().add("bench.test");
      }
      List<DeviceRepository.NewDevice> batch = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String user = "u" + (100000 + i);
        batch.add(new DeviceRepository.NewDevice(user, "pw" + user, null));
      }
      long start = System.nanoTime();
      int added = store.devices().addAll("bench.test", batch);
      System.err.printf("provisioned %d users in %d ms%n", added, (System.nanoTime() - start) / 1_000_000);
    }
  }
}
