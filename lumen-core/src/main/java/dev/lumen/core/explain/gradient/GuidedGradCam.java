package dev.lumen.core.explain.gradient;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Provenance;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.Volumetric;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Bilinear;
import dev.lumen.core.preprocess.DepthResample;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Guided Grad-CAM (Selvaraju et al., ICCV 2017): guided backpropagation (summed over colour
 * channels, at the input's resolution) multiplied element-wise by the Grad-CAM map upsampled
 * bilinearly to the input. High-resolution and class-discriminative; shown with Captum's
 * normalisation like other input attributions. For 3D models both maps are volumes and the
 * Grad-CAM map is upsampled trilinearly.
 *
 * <p>Cost: Grad-CAM's run plus guided backpropagation's, each for every target together.
 */
public final class GuidedGradCam implements Explainer {
  private final Model model;
  private final GradientCam gradCam;
  private final InputGradients guided;

  private GuidedGradCam(Model model, GradientCam gradCam) {
    this.model = model;
    this.gradCam = gradCam;
    this.guided = InputGradients.of(model, InputGradients.Kind.GUIDED_BACKPROP);
  }

  /** Guided Grad-CAM with Grad-CAM at the model's default layer. */
  public static GuidedGradCam of(Model model) {
    return new GuidedGradCam(model, GradientCam.of(model, CamFormula.GRADCAM));
  }

  /** Guided Grad-CAM with Grad-CAM at the feature map {@code layer}. */
  public static GuidedGradCam at(Model model, String layer) {
    return new GuidedGradCam(model, GradientCam.at(model, CamFormula.GRADCAM, List.of(layer)));
  }

  @Override
  public String method() {
    return "guidedgradcam";
  }

  @Override
  public String layer() {
    return gradCam.layer();
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    List<List<Explanation>> cams = gradCam.explain(images, targets, progress);
    List<List<Explanation>> backprops = guided.explain(images, targets, progress);
    List<List<Explanation>> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      Geometry geometry = model.preprocessor().geometry(images.get(i));
      out.add(combine(cams.get(i), backprops.get(i), raw -> Maps.toImageSpace(raw, geometry, Maps::attributionScale)));
    }
    return out;
  }

  /** A 3D model's map is guided backpropagation's volume times Grad-CAM's, upsampled trilinearly. */
  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    Geometry geometry = model.preprocessor().geometry(volume.slices().get(0));
    UnaryOperator<Tensor> heatmap = model.input().volumetric()
        ? raw -> Volumetric.heatmap(raw, volume.depth(), geometry, Maps::attributionScale)
        : raw -> Maps.toImageSpace(raw, geometry, Maps::attributionScale);
    return combine(gradCam.explain(volume, targets, progress), guided.explain(volume, targets, progress), heatmap);
  }

  private List<Explanation> combine(List<Explanation> cams, List<Explanation> backprops,
                                    UnaryOperator<Tensor> heatmap) {
    List<Explanation> out = new ArrayList<>();
    for (int t = 0; t < cams.size(); t++) {
      Explanation cam = cams.get(t);
      Explanation backprop = backprops.get(t);
      // a 3D model's Grad-CAM has the layer's depth; linear along it, bilinear in each slice, is trilinear
      Tensor coarse = DepthResample.to(cam.raw(), backprop.raw().dim(0));
      Tensor raw = times(backprop.raw(), coarse);
      Provenance provenance = new Provenance(cam.provenance().model(), cam.provenance().modelSha256(), method(),
          layer(), cam.provenance().lumenVersion());
      Optional<Tensor> perChannel = backprop.attribution().map(a -> timesPerChannel(a, coarse));
      out.add(new Explanation(cam.source(), cam.prediction(), cam.target(), raw, heatmap.apply(raw), provenance,
          perChannel));
    }
    return out;
  }

  /** Every channel of {@code attribution} ({@code [slices, C, h, w]}) times the upsampled {@code coarse} map. */
  private static Tensor timesPerChannel(Tensor attribution, Tensor coarse) {
    int channels = attribution.dim(1);
    List<Tensor> slices = new ArrayList<>();
    for (int s = 0; s < attribution.dim(0); s++) {
      List<Tensor> planes = new ArrayList<>();
      for (int c = 0; c < channels; c++) {
        Tensor plane = attribution.slice(s).slice(c);
        planes.add(times(plane.reshape(1, plane.dim(0), plane.dim(1)), coarse.slice(s).reshape(1, coarse.dim(1),
            coarse.dim(2))).slice(0));
      }
      slices.add(Tensor.stack(planes));
    }
    return Tensor.stack(slices);
  }

  /** {@code fine * upsampled(coarse)}, per slice, at the fine map's resolution. */
  private static Tensor times(Tensor fine, Tensor coarse) {
    int slices = fine.dim(0);
    int h = fine.dim(1);
    int w = fine.dim(2);
    float[] out = new float[slices * h * w];
    for (int s = 0; s < slices; s++) {
      float[] up = Bilinear.resize(coarse.slice(s).unsafeData(), coarse.dim(2), coarse.dim(1), w, h);
      float[] f = fine.slice(s).unsafeData();
      for (int p = 0; p < up.length; p++) {
        out[s * h * w + p] = f[p] * up[p];
      }
    }
    return Tensor.of(out, slices, h, w);
  }
}
