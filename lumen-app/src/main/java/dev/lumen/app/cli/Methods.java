package dev.lumen.app.cli;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.cam.AblationCam;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.explain.cam.Crm;
import dev.lumen.core.explain.cam.EigenCam;
import dev.lumen.core.explain.cam.ScoreCam;
import dev.lumen.core.explain.fixations.CnnFixations;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.EigenGradCam;
import dev.lumen.core.explain.gradient.FullGrad;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.explain.gradient.GuidedGradCam;
import dev.lumen.core.explain.gradient.InputAttribution;
import dev.lumen.core.explain.gradient.InputGradients;
import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.gradient.SmoothGrad;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The explanation methods the command line offers, by name, with one line each. */
final class Methods {
  /** Every method with its description, in the order help texts list them. */
  static final Map<String, String> DESCRIPTIONS = descriptions();
  /** Every method name. */
  static final List<String> NAMES = List.copyOf(DESCRIPTIONS.keySet());

  /** The settings of the methods that have some. */
  record Settings(Occlusion.Settings occlusion, Rise.Settings rise, IntegratedGradients.Settings integrated,
                  SmoothGrad.Settings smooth, Lime.Settings lime) {
    static Settings defaults() {
      return new Settings(Occlusion.Settings.defaults(), Rise.Settings.defaults(),
          IntegratedGradients.Settings.defaults(), SmoothGrad.Settings.defaults(), Lime.Settings.defaults());
    }
  }

  private Methods() {}

  /** The methods a list of names stands for: every method where it says {@code all}. */
  static List<String> named(List<String> names) {
    return names.stream().anyMatch(n -> n.equalsIgnoreCase("all")) ? NAMES : names;
  }

  /**
   * The explainer {@code name} for {@code model}, at {@code layers} (null: the model's default;
   * only gradient-weighted CAMs take others, and several).
   *
   * @throws IllegalArgumentException naming the known methods
   */
  static Explainer create(String name, Model model, Settings settings, List<String> layers) {
    String method = name.toLowerCase(Locale.ROOT);
    if (layers != null) {
      for (CamFormula formula : CamFormula.values()) {
        if (formula.method().equals(method)) {
          return GradientCam.at(model, formula, layers);
        }
      }
      throw new IllegalArgumentException("--layer applies to the gradient-weighted CAMs (gradcam, gradcam++, xgradcam, "
          + "hirescam, gradcam-elementwise, layercam), not to " + name);
    }
    for (SmoothGrad.Variant variant : SmoothGrad.Variant.values()) {
      String prefix = variantName(variant) + "-";
      if (method.startsWith(prefix) && DESCRIPTIONS.containsKey(method)) {
        return SmoothGrad.around(inputAttribution(method.substring(prefix.length()), model, settings), variant,
            settings.smooth());
      }
    }
    for (CamFormula formula : CamFormula.values()) {
      if (formula.method().equals(method)) {
        return GradientCam.of(model, formula);
      }
    }
    return switch (method) {
      case "cam" -> Cam.of(model);
      case "eigencam" -> EigenCam.of(model);
      case "eigengradcam" -> EigenGradCam.of(model);
      case "guidedgradcam" -> GuidedGradCam.of(model);
      case "fullgrad" -> FullGrad.of(model);
      case "ablationcam" -> AblationCam.of(model);
      case "scorecam" -> ScoreCam.of(model);
      case "crm" -> Crm.of(model, false);
      case "crm-combined" -> Crm.of(model, true);
      case "occlusion" -> Occlusion.of(model, settings.occlusion());
      case "rise" -> Rise.of(model, settings.rise());
      case "lime" -> Lime.of(model, settings.lime());
      case "cnnfixations" -> CnnFixations.of(model, CnnFixations.Settings.defaults());
      default -> inputAttribution(method, model, settings);
    };
  }

  private static InputAttribution inputAttribution(String method, Model model,
                                                   Settings settings) {
    if (method.equals("integratedgradients")) {
      return IntegratedGradients.of(model, settings.integrated());
    }
    for (InputGradients.Kind kind : InputGradients.Kind.values()) {
      if (kind.method().equals(method)) {
        return InputGradients.of(model, kind);
      }
    }
    throw new IllegalArgumentException("unknown method '" + method + "'; `lumen methods` lists them: " + NAMES);
  }

  private static String variantName(SmoothGrad.Variant variant) {
    return switch (variant) {
      case MEAN -> "smoothgrad";
      case SQUARED -> "smoothgrad2";
      case VARIANCE -> "vargrad";
    };
  }

  private static Map<String, String> descriptions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("cam", "class activation mapping: feature maps weighted by a GAP + linear head's class weights");
    d.put("gradcam", "Grad-CAM: feature maps weighted by their mean gradient, ReLU");
    d.put("gradcam++", "Grad-CAM++: weights from positive gradients with pixel-wise coefficients");
    d.put("xgradcam", "XGrad-CAM: weights = sum(gradient * activation) / sum(activation)");
    d.put("hirescam", "HiResCAM: sum over channels of gradient * activation, element-wise");
    d.put("gradcam-elementwise", "Grad-CAM element-wise: sum over channels of ReLU(gradient * activation)");
    d.put("layercam", "LayerCAM: sum over channels of ReLU(gradient) * activation");
    d.put("eigencam", "Eigen-CAM: projection of the activations on their first principal component (no class)");
    d.put("eigengradcam", "Eigen-Grad-CAM: first principal component of gradient * activation");
    d.put("guidedgradcam", "guided Grad-CAM: guided backprop times the upsampled Grad-CAM map");
    d.put("fullgrad", "FullGrad: |input x gradient| plus every bias's |gradient x bias|, normalised per channel");
    d.put("ablationcam", "Ablation-CAM: score drop when each feature map is zeroed (head re-run only)");
    d.put("scorecam", "Score-CAM: score of the input masked by each upsampled feature map");
    d.put("crm", "CRM, class-based: score change when a feature position is removed");
    d.put("crm-combined", "CRM, combined: squared score change over all classes");
    d.put("saliency", "vanilla gradient: largest |dScore/dInput| over colour channels");
    d.put("inputxgradient", "input x gradient, summed over channels");
    d.put("guidedbackprop", "guided backpropagation: only positive gradients pass ReLUs");
    d.put("deconvnet", "deconvnet: the positive part of the gradient passes ReLUs");
    d.put("integratedgradients", "integrated gradients from a zero baseline (--steps, --rule)");
    for (String inner : List.of("saliency", "inputxgradient", "guidedbackprop", "deconvnet", "integratedgradients")) {
      d.put("smoothgrad-" + inner, "SmoothGrad: " + inner + " averaged over noisy copies (--samples, --noise)");
      d.put("smoothgrad2-" + inner, "SmoothGrad squared: mean of squared " + inner + " over noisy copies");
      d.put("vargrad-" + inner, "VarGrad: variance of " + inner + " over noisy copies");
    }
    d.put("occlusion", "occlusion: score drop under a sliding window (--window, --stride, --fill)");
    d.put("rise", "RISE: score-weighted sum of random masks (--masks, --grid, --keep, --seed)");
    d.put("cnnfixations", "CNN-Fixations: the target neuron traced back to input pixels through one forward pass");
    d.put("lime", "LIME: weighted ridge surrogate over superpixels switched off at random (--lime-samples, --segmentation, --hide)");
    return d;
  }
}
