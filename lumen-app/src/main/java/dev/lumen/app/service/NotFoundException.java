package dev.lumen.app.service;

/** A model, study, job or explanation id that names nothing: 404 on the server. */
public final class NotFoundException extends RuntimeException {
  /** No {@code what} with {@code id}. */
  public NotFoundException(String what, String id) {
    super("no " + what + " '" + id + "'");
  }
}
