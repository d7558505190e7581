package dev.evertone.bench;

import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.ProvisioningConfig;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.template.Format;
import dev.evertone.store.Actor;
import dev.evertone.store.Store;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Provisions the benchmark users of {@code make-users.sh} into an evertone data directory: domain
 * {@code bench.test}, users u100000.. with password "pw" + user, as Kamailio's benchmark
 * configuration derives them, and the line "callee" (password "pwcallee") that the call benchmark
 * rings. Uses the import, like an operator would.
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
    try (Store store =
        JdbcStore.open(new StoreConfig(null, Path.of(args[0]), null, 2), Clock.systemUTC())) {
      ProvisioningService p =
          new ProvisioningService(
                  store, ProvisioningConfig.DEFAULT, Clock.systemUTC(), Actor.local("bench"))
              .withProgress(step -> System.err.println("  " + step));
      if (store.domains().find("bench.test").isEmpty()) {
        p.addDomain("bench.test");
      }
      StringBuilder csv = new StringBuilder("domain,extension,auth_user,secret\n");
      for (int i = 0; i < count; i++) {
        String user = "u" + (100000 + i);
        csv.append("bench.test,")
            .append(user)
            .append(',')
            .append(user)
            .append(",pw")
            .append(user)
            .append('\n');
      }
      // the called phone of the call benchmark (Kamailio's proxy configuration calls it "callee"
      // too)
      csv.append("bench.test,callee,callee,pwcallee\n");
      long start = System.nanoTime();
      p.importFile(
          csv.toString().getBytes(StandardCharsets.UTF_8),
          new ImportOptions(Format.CSV, "bench-users.csv", false, true, false));
      System.err.printf(
          "provisioned %d users in %d ms%n", count, (System.nanoTime() - start) / 1_000_000);
    }
  }
}
