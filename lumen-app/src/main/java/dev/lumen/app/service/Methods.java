package dev.lumen.app.service;

import dev.lumen.core.autodiff.Composite;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.cam.AblationCam;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.explain.cam.Crm;
import dev.lumen.core.explain.cam.EigenCam;
import dev.lumen.core.explain.cam.ScoreCam;
import dev.lumen.core.explain.fixations.CnnFixations;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.DeepLift;
import dev.lumen.core.explain.gradient.EigenGradCam;
import dev.lumen.core.explain.gradient.FullGrad;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.explain.gradient.GradientShap;
import dev.lumen.core.explain.gradient.GuidedGradCam;
import dev.lumen.core.explain.gradient.InputAttribution;
import dev.lumen.core.explain.gradient.InputGradients;
import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.gradient.Lrp;
import dev.lumen.core.explain.gradient.SmoothGrad;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.explain.shapley.FeatureAblation;
import dev.lumen.core.explain.shapley.KernelShap;
import dev.lumen.core.explain.shapley.ShapleySampling;
import dev.lumen.core.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The explanation methods, by name, with one line each: what the command line and the server offer. */
public final class Methods {
  /** Every method with its description, in the order help texts list them. */
  public static final Map<String, String> DESCRIPTIONS = descriptions();
  /** Every method name. */
  public static final List<String> NAMES = List.copyOf(DESCRIPTIONS.keySet());
  /** The methods besides the gradient-weighted CAMs that explain one feature map, any the user names. */
  private static final List<String> LAYER_METHODS =
      List.of("eigencam", "eigengradcam", "guidedgradcam", "ablationcam", "scorecam", "crm", "crm-combined");

  /** The settings of the methods that have some. */
  public record Settings(Occlusion.Settings occlusion, Rise.Settings rise, IntegratedGradients.Settings integrated,
                  SmoothGrad.Settings smooth, Lime.Settings lime, Lrp.Settings lrp, DeepLift.Settings deepLiftShap,
                  GradientShap.Settings gradientShap, KernelShap.Settings kernelShap,
                  ShapleySampling.Settings shapleySampling) {
    /** The published defaults ({@link MethodSettings#defaults()}). */
    public static Settings defaults() {
      return MethodSettings.defaults().resolve();
    }
  }

  private Methods() {}

  /**
   * The methods a list of names stands for: every method where it says {@code all}. Checked
   * before any work, so that a typo in the last name does not surface after minutes.
   *
   * @throws IllegalArgumentException naming an unknown method and the known ones
   */
  public static List<String> named(List<String> names) {
    if (names.stream().anyMatch(n -> n.equalsIgnoreCase("all"))) {
      return NAMES;
    }
    for (String name : names) {
      if (!DESCRIPTIONS.containsKey(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("unknown method '" + name + "'; `lumen methods` lists them: " + NAMES);
      }
    }
    return names;
  }

  /**
   * The explainer {@code name} for {@code model}, at {@code layers} (null: the model's default).
   * The gradient-weighted CAMs take several layers (their maps are averaged); Eigen-CAM,
   * Eigen-Grad-CAM, guided Grad-CAM, Score-CAM, Ablation-CAM and CRM take one, as
   * pytorch-grad-cam's {@code target_layers}; the other methods explain the input or the head's
   * own layer and take none.
   *
   * @throws IllegalArgumentException naming the known methods, or the methods that take layers
   */
  public static Explainer create(String name, Model model, Settings settings, List<String> layers) {
    String method = name.toLowerCase(Locale.ROOT);
    if (layers != null) {
      return atLayers(method, model, layers);
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
    for (Composite.Kind kind : Composite.Kind.values()) {
      if (Lrp.method(kind).equals(method)) {
        return Lrp.of(model, kind, settings.lrp());
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
      case "kernelshap" -> KernelShap.of(model, settings.kernelShap());
      case "featureablation" -> FeatureAblation.of(model, settings.lime().segmentation(), settings.lime().hide());
      case "shapleysampling" -> ShapleySampling.of(model, settings.shapleySampling());
      case "cnnfixations" -> CnnFixations.of(model, CnnFixations.Settings.defaults());
      default -> inputAttribution(method, model, settings);
    };
  }

  private static Explainer atLayers(String method, Model model, List<String> layers) {
    for (CamFormula formula : CamFormula.values()) {
      if (formula.method().equals(method)) {
        return GradientCam.at(model, formula, layers);
      }
    }
    if (!LAYER_METHODS.contains(method)) {
      throw new IllegalArgumentException("--layer applies to the methods that explain a feature map: "
          + java.util.Arrays.stream(CamFormula.values()).map(CamFormula::method).toList() + " and " + LAYER_METHODS + "; not to " + method);
    }
    if (layers.size() != 1) {
      throw new IllegalArgumentException(method + " explains one layer; --layer names " + layers.size());
    }
    String layer = layers.get(0);
    return switch (method) {
      case "eigencam" -> EigenCam.at(model, layer);
      case "eigengradcam" -> EigenGradCam.at(model, layer);
      case "guidedgradcam" -> GuidedGradCam.at(model, layer);
      case "ablationcam" -> AblationCam.at(model, layer);
      case "scorecam" -> ScoreCam.at(model, layer);
      case "crm" -> Crm.at(model, layer, false);
      default -> Crm.at(model, layer, true);
    };
  }

  private static InputAttribution inputAttribution(String method, Model model,
                                                   Settings settings) {
    switch (method) {
      case "integratedgradients" -> {
        return IntegratedGradients.of(model, settings.integrated());
      }
      case "deeplift" -> {
        return DeepLift.of(model, settings.integrated().baseline());
      }
      case "deepliftshap" -> {
        return DeepLift.shap(model, settings.deepLiftShap());
      }
      case "gradientshap" -> {
        return GradientShap.of(model, settings.gradientShap());
      }
      default -> { }
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
    d.put("integratedgradients", "integrated gradients from a baseline (--steps, --rule, --baseline)");
    d.put("deeplift", "DeepLIFT, rescale rule: the logit's difference from a baseline passed down as multipliers (--baseline)");
    d.put("deepliftshap", "DeepLIFT-SHAP: DeepLIFT averaged over a set of baselines (--baselines)");
    d.put("gradientshap", "GradientSHAP: expected gradients over baselines, path points and noise (--baselines, --samples, --noise)");
    for (String inner : List.of("saliency", "inputxgradient", "guidedbackprop", "deconvnet", "integratedgradients")) {
      d.put("smoothgrad-" + inner, "SmoothGrad: " + inner + " averaged over noisy copies (--samples, --noise)");
      d.put("smoothgrad2-" + inner, "SmoothGrad squared: mean of squared " + inner + " over noisy copies");
      d.put("vargrad-" + inner, "VarGrad: variance of " + inner + " over noisy copies");
    }
    d.put(Lrp.method(Composite.Kind.EPSILON), "LRP: the epsilon rule on every layer (--lrp-epsilon, --lrp-rule)");
    d.put(Lrp.method(Composite.Kind.EPSILON_GAMMA_BOX),
        "LRP, zennit's EpsilonGammaBox: z^B on the input layer, gamma on convolutions, epsilon on dense layers");
    d.put(Lrp.method(Composite.Kind.EPSILON_PLUS), "LRP, EpsilonPlus: z+ on convolutions, epsilon on dense layers");
    d.put(Lrp.method(Composite.Kind.EPSILON_PLUS_FLAT), "LRP, EpsilonPlusFlat: EpsilonPlus with the flat rule on the input layer");
    d.put(Lrp.method(Composite.Kind.EPSILON_ALPHA2_BETA1),
        "LRP, EpsilonAlpha2Beta1: alpha 2 beta 1 on convolutions, epsilon on dense layers");
    d.put(Lrp.method(Composite.Kind.EPSILON_ALPHA2_BETA1_FLAT),
        "LRP, EpsilonAlpha2Beta1Flat: EpsilonAlpha2Beta1 with the flat rule on the input layer");
    d.put("occlusion", "occlusion: score drop under a sliding window (--window, --stride, --fill, --refine)");
    d.put("rise", "RISE: score-weighted sum of random masks (--masks, --grid, --keep, --seed)");
    d.put("cnnfixations", "CNN-Fixations: the target neuron traced back to input pixels through one forward pass");
    d.put("lime", "LIME: weighted ridge surrogate over superpixels switched off at random (--lime-samples, "
        + "--segmentation, --hide, --lime-tolerance)");
    d.put("kernelshap", "KernelSHAP: Shapley values of superpixels by the Shapley-kernel fit (--lime-samples, "
        + "--segmentation, --hide, --lime-tolerance)");
    d.put("featureablation", "feature ablation: probability drop when each superpixel alone is hidden (--segmentation, --hide)");
    d.put("shapleysampling", "Shapley value sampling: superpixels revealed in random orders (--permutations, --segmentation, --hide)");
    return d;
  }
}
