package dev.evertone.bench;

import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.PlanResult;
import dev.evertone.provisioning.ProvisioningConfig;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.RestoreRequest;
import dev.evertone.provisioning.template.Format;
import dev.evertone.store.Actor;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The provisioning figures of issue 3 for one store, in a fresh JVM (run it once per store;
 * bench/provisioning.sh runs both and prints the table):
 *
 * <ul>
 *   <li>{@code import}: N devices (CSV: domain, extension, display name, MAC, model, line, auth
 *       user, secret) read, validated, planned and applied in one transaction, as the first thing
 *       the JVM does (what {@code evertone import} costs) and again once warm (what a running
 *       server's API costs); target 100,000 in under 5 s;
 *   <li>the floor: the same rows loaded by a bare JDBC batch into a plain table (no validation,
 *       plan, history, audit or encryption), in the same run, so that the import reads as a ratio
 *       to it;
 *   <li>{@code restore}: N devices, then the Level365 import (every device the same key, with the
 *       characters that broke their SQL), then {@code credentials restore --at} the moment before
 *       it; again the bad import, then {@code credentials restore --batch} (undo); target 1,000,000
 *       in under 10 s.
 * </ul>
 *
 * <p>PostgreSQL is an embedded server from Maven Central binaries (shared_buffers 1 GB, as a server
 * for a million devices would have) unless {@code --postgres-url} names one.
 *
 * <p>usage: java -Xmx12g -cp evertone-bench.jar dev.evertone.bench.ProvisioningBenchmark
 * import|restore DEVICES sqlite|postgresql [--postgres-url URL]
 */
public final class ProvisioningBenchmark {
  private ProvisioningBenchmark() {}

  /**
   * The same key for every device in the bad import, with the characters that broke Level365's SQL.
   */
  static final String SAME_KEY = "Kx9#same;'key\"";

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException(
          "usage: ProvisioningBenchmark import|restore DEVICES sqlite|postgresql [--postgres-url URL]");
    }
    String mode = args[0];
    int devices = Integer.parseInt(args[1].replace("_", "").replace(",", ""));
    String store = args[2];
    String pgUrl = args.length > 4 && args[3].equals("--postgres-url") ? args[4] : null;
    Path dir = Files.createTempDirectory("evertone-provisioning-bench");
    EmbeddedPostgres pg = null;
    try {
      String url = null;
      String rawUrl = "jdbc:sqlite:" + dir.resolve("raw.db");
      if (store.equals("postgresql")) {
        if (pgUrl == null) {
          pg = embeddedPostgres();
          url = fresh(pg);
          rawUrl = fresh(pg);
        } else {
          url = pgUrl;
          rawUrl = pgUrl;
        }
      } else if (!store.equals("sqlite")) {
        throw new IllegalArgumentException("store must be sqlite or postgresql");
      }
      try (JdbcStore s = JdbcStore.open(new StoreConfig(url, dir, null, 4), Clock.systemUTC())) {
        ProvisioningService p =
            new ProvisioningService(
                    s, ProvisioningConfig.DEFAULT, Clock.systemUTC(), Actor.local("bench"))
                .withProgress(step -> System.err.println("    " + step));
        if (mode.equals("import")) {
          importFigures(p, store, devices, rawUrl);
        } else {
          restoreFigures(s, p, store, devices);
        }
      }
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }

  private static void importFigures(ProvisioningService p, String store, int devices, String rawUrl)
      throws Exception {
    p.addDomain("bench.test");
    p.addDomain("warm.test");
    byte[] file = file("bench.test", devices, "pw-");
    double cold = time("import, cold JVM", () -> p.importFile(file, options(false)));
    double again =
        time(
            "re-import of the same file (all unchanged)", () -> p.importFile(file, options(false)));
    byte[] other = file("warm.test", devices, "pw-");
    double warm =
        time("import into another domain, warm JVM", () -> p.importFile(other, options(false)));
    double raw = rawLoad(rawUrl, devices);
    System.err.printf(Locale.ROOT, "  bare JDBC load of %,d rows: %.2f s%n", devices, raw);
    System.out.printf(
        Locale.ROOT,
        "RESULT import %s %d cold=%.2f warm=%.2f unchanged=%.2f floor=%.2f%n",
        store,
        devices,
        cold,
        warm,
        again,
        raw);
  }

  private static void restoreFigures(JdbcStore s, ProvisioningService p, String store, int devices)
      throws Exception {
    p.addDomain("bench.test");
    byte[] good = file("bench.test", devices, "pw-");
    byte[] bad = file("bench.test", devices, null);
    time("import", () -> p.importFile(good, options(false)));
    Thread.sleep(1100); // the restore point is a moment strictly between the two imports
    Instant before = Instant.now();
    Thread.sleep(1100);
    double badImport =
        time("bad import: every device the same key", () -> p.importFile(bad, options(true)));
    double at =
        time(
            "restore --at the moment before the bad import",
            () ->
                p.restore(
                    new RestoreRequest(before, null, null, List.of(), List.of(), false, true)));
    check(s, devices);
    PlanResult again = p.importFile(bad, options(true));
    double undo =
        time(
            "restore --batch (undo the bad import)",
            () ->
                p.restore(
                    new RestoreRequest(
                        null, again.batchId(), null, List.of(), List.of(), false, true)));
    check(s, devices);
    System.out.printf(
        Locale.ROOT,
        "RESULT restore %s %d bad=%.2f at=%.2f batch=%.2f%n",
        store,
        devices,
        badImport,
        at,
        undo);
  }

  /** The benchmarks' PostgreSQL: Maven Central's binaries, sized for bulk writes. */
  static EmbeddedPostgres embeddedPostgres() throws java.io.IOException {
    return EmbeddedPostgres.builder()
        .setServerConfig("shared_buffers", "1GB")
        .setServerConfig("max_wal_size", "8GB")
        .setServerConfig("work_mem", "64MB")
        .start();
  }

  /** A new, empty database on {@code pg}. */
  static String fresh(EmbeddedPostgres pg) throws Exception {
    String name = "bench_" + System.nanoTime();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /** N desk phones, one line each; secrets "pw-N", or (null prefix) every one {@link #SAME_KEY}. */
  static byte[] file(String domain, int n, @Nullable String prefix) {
    StringBuilder sb = new StringBuilder(n * 90);
    sb.append("domain,extension,display_name,mac,model,line,auth_user,secret\n");
    String quotedSame = "\"" + SAME_KEY.replace("\"", "\"\"") + "\"";
    int macBase = domain.equals("bench.test") ? 0 : 1 << 24;
    for (int i = 0; i < n; i++) {
      int u = 100000 + i;
      sb.append(domain)
          .append(',')
          .append(u)
          .append(",User ")
          .append(u)
          .append(',')
          .append(mac(macBase + i))
          .append(",Yealink T54W,1,")
          .append(u)
          .append(',')
          .append(prefix == null ? quotedSame : prefix + u)
          .append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A locally administered MAC address, unique per device. */
  static String mac(int i) {
    return String.format(
        "02:00:%02x:%02x:%02x:%02x", (i >> 24) & 0xff, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  }

  private static ImportOptions options(boolean confirmLarge) {
    return new ImportOptions(Format.CSV, "bench.csv", false, confirmLarge, false);
  }

  /** Every device has its own secret back (a sample of 1,000, decrypted). */
  private static void check(JdbcStore store, int devices) {
    for (int i = 0; i < devices; i += Math.max(1, devices / 1000)) {
      String u = String.valueOf(100000 + i);
      String secret = store.credentials().lookup("bench.test", u, false).orElseThrow().secret();
      if (!secret.equals("pw-" + u)) {
        throw new IllegalStateException("device " + u + " did not get its secret back");
      }
    }
  }

  private static double time(String what, Runnable r) {
    long start = System.nanoTime();
    r.run();
    double s = (System.nanoTime() - start) / 1e9;
    System.err.printf(Locale.ROOT, "  %s: %.2f s%n", what, s);
    return s;
  }

  /** The floor: the same rows, as they are, into a plain table by one batched JDBC transaction. */
  private static double rawLoad(String url, int devices) throws Exception {
    try (Connection c =
        DriverManager.getConnection(
            url + (url.startsWith("jdbc:postgresql") ? "&reWriteBatchedInserts=true" : ""))) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS raw_device");
        s.execute(
            "CREATE TABLE raw_device (domain VARCHAR(253), extension VARCHAR(64), display_name VARCHAR(128), mac VARCHAR(17), "
                + "model VARCHAR(64), line INTEGER, auth_user VARCHAR(64), secret VARCHAR(128))");
      }
      List<String> macs = new ArrayList<>(devices);
      for (int i = 0; i < devices; i++) {
        macs.add(mac(i));
      }
      long start = System.nanoTime();
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO raw_device VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < devices; i++) {
          String u = String.valueOf(100000 + i);
          ps.setString(1, "bench.test");
          ps.setString(2, u);
          ps.setString(3, "User " + u);
          ps.setString(4, macs.get(i));
          ps.setString(5, "Yealink T54W");
          ps.setInt(6, 1);
          ps.setString(7, u);
          ps.setString(8, "pw-" + u);
          ps.addBatch();
          if (i % 1000 == 999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
      return (System.nanoTime() - start) / 1e9;
    }
  }
}
