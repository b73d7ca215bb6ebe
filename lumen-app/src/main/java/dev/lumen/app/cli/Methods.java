package dev.lumen.app.cli;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.cam.AblationCam;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.explain.cam.Crm;
import dev.lumen.core.explain.cam.ScoreCam;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.model.Model;
import java.util.List;
import java.util.Locale;

/** The explanation methods the command line offers, by name. */
final class Methods {
  /** Every method name, in the order help texts list them. */
  static final List<String> NAMES = List.of("cam", "ablationcam", "scorecam", "crm", "crm-combined", "occlusion", "rise");

  private Methods() {}

  /**
   * The explainer {@code name} for {@code model}.
   *
   * @throws IllegalArgumentException naming the known methods
   */
  static Explainer create(String name, Model model, Occlusion.Settings occlusion, Rise.Settings rise) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "cam" -> Cam.of(model);
      case "ablationcam" -> AblationCam.of(model);
      case "scorecam" -> ScoreCam.of(model);
      case "crm" -> Crm.of(model, false);
      case "crm-combined" -> Crm.of(model, true);
      case "occlusion" -> Occlusion.of(model, occlusion);
      case "rise" -> Rise.of(model, rise);
      default -> throw new IllegalArgumentException("unknown method '" + name + "', available: " + NAMES);
    };
  }
}
