package dev.evertone.store.jdbc;

import dev.evertone.store.StoreException;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.LineKey;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and fingerprints every new secret of a change set (the CPU-heavy part of an import). The
 * secrets are cut into chunks that helper threads (one per core but one) and, once it needs them,
 * the thread that asked for them take in turn; {@link #get} seals what is left itself, then waits
 * for the chunks in hand.
 */
final class SecretSealing {
  private static final Logger log = LoggerFactory.getLogger(SecretSealing.class);

  /** Fewer secrets than this are sealed by the caller alone: threads would cost more. */
  static final int PARALLEL_FROM = 1000;

  /** Secrets a thread takes at a time. */
  private static final int CHUNK = 256;

  /** A Plain secret, validated and encrypted before the transaction needs it. */
  record Sealed(String ciphertext, String hash) {}

  /** A line operation with a new secret, and the line the secret is bound to. */
  private record ToSeal(LineOp op, LineKey key, Plain secret) {}

  private final SecretCipher cipher;
  private final List<ToSeal> toSeal;
  private final Sealed[] out;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
  private final List<Thread> helpers = new ArrayList<>();
  private final long start = System.nanoTime();
  private volatile boolean cancelled;
  private @Nullable IdentityHashMap<LineOp, Sealed> result;

  /**
   * Starts sealing.
   *
   * @param background seal while the transaction inserts users and devices, on the cores the writer
   *     leaves free (the writer's own thread joins in once it needs the secrets); otherwise, and on
   *     a single core, where the helpers would only take turns with the writer, the secrets are all
   *     sealed here, before the transaction starts
   */
  SecretSealing(ChangeSet changes, boolean background, SecretCipher cipher) {
    this.cipher = cipher;
    List<ToSeal> withSecrets = new ArrayList<>();
    for (LineOp op : changes.lines()) {
      if (op instanceof CreateLine l && l.secret() instanceof Plain p) {
        withSecrets.add(new ToSeal(op, new LineKey(l.domain(), l.authUser()), p));
      } else if (op instanceof UpdateLine u && u.secret() instanceof Plain p) {
        withSecrets.add(new ToSeal(op, u.key(), p));
      }
    }
    this.toSeal = withSecrets;
    this.out = new Sealed[withSecrets.size()];
    int cores = Runtime.getRuntime().availableProcessors();
    if (withSecrets.size() >= PARALLEL_FROM && cores > 1) {
      for (int i = 0; i < cores - 1; i++) {
        Thread t = new Thread(this::sealChunks, "secret-sealing-" + i);
        t.setDaemon(true);
        helpers.add(t);
        t.start();
      }
    }
    if (!background || helpers.isEmpty()) {
      get();
    }
  }

  /** Seals chunk after chunk until none is left (or sealing was cancelled or failed). */
  private void sealChunks() {
    try {
      int from;
      while (!cancelled && failure.get() == null && (from = next.getAndAdd(CHUNK)) < out.length) {
        for (int i = from; i < Math.min(out.length, from + CHUNK); i++) {
          ToSeal s = toSeal.get(i);
          String secret = s.secret().value();
          LineKey key = s.key();
          out[i] =
              new Sealed(
                  cipher.encrypt(secret, key.domain(), key.authUser()),
                  cipher.fingerprint(secret, key.domain(), key.authUser()));
        }
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /**
   * The sealed secrets by operation (by identity), once all are done: seals what no helper has
   * taken yet, then waits for the helpers.
   */
  IdentityHashMap<LineOp, Sealed> get() {
    IdentityHashMap<LineOp, Sealed> done = result;
    if (done != null) {
      return done;
    }
    sealChunks();
    for (Thread t : helpers) {
      try {
        t.join(); // a helper ends once no chunk is left: it finishes the one in hand
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while encrypting secrets", e);
      }
    }
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    if (cancelled) {
      throw new StoreException("the secrets of a cancelled change set were asked for");
    }
    // by identity: each operation is one object of the change set, and records hash every field
    done = new IdentityHashMap<>(out.length);
    for (int i = 0; i < out.length; i++) {
      done.put(toSeal.get(i).op(), out[i]);
    }
    if (out.length > 0) {
      log.debug(
          "{} secrets encrypted in {} ms (on {} threads)",
          out.length,
          (System.nanoTime() - start) / 1_000_000,
          helpers.size() + 1);
    }
    result = done;
    return done;
  }

  /** Stops the work if the transaction failed before it needed the result. */
  void cancel() {
    cancelled = true;
  }
}
