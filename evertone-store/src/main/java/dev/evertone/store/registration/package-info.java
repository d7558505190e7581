/**
 * Registrations kept beyond a process: the bindings written behind by the registrar (read back
 * after a restart or by another node), and the nodes of a cluster.
 */
@NullMarked
package dev.evertone.store.registration;

import org.jspecify.annotations.NullMarked;
