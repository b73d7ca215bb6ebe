#!/usr/bin/env python3
"""Exports the ONNX models Lumen's tests run on, with PyTorch reference numbers.

Random weights are enough: the tests compare Lumen with PyTorch on the same
weights and inputs. For every model NAME this writes, into the output folder:

  NAME.onnx          the model, exported by torch.onnx (dynamic batch axis)
  NAME.input.npy     one float32 input tensor
  NAME.scores.npy    the model's outputs for that input, from PyTorch
  NAME.cam.npy       CAM raw maps for every class, sum_k w_ck F_k, from the
                     feature map PyTorch computed (forward hook) and the head's
                     weights (models whose head CAM supports)
  NAME.grad_input.npy  autograd's gradient of the top class's logit (the score
                     before a final softmax or sigmoid) with respect to the input
  NAME.grad_layer.npy  the same gradient with respect to the feature map CAM
                     uses (models where that map is a module's output)

and the references of the quality measures and of layer-wise relevance
propagation (lrp_references.py).

Usage: make-test-models.py OUT_DIR
"""
import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

import lrp_references

OPSET = 13


class MRNet(nn.Module):
    """The MRNet architecture: AlexNet features per slice, GAP, max over slices, linear."""

    def __init__(self):
        super().__init__()
        self.features = torchvision.models.alexnet().features
        self.classifier = nn.Linear(256, 2)

    def forward(self, x):  # x: (1, S, 3, H, W), as the MRNet loader gives it
        x = torch.squeeze(x, dim=0)
        f = self.features(x)
        pooled = F.adaptive_avg_pool2d(f, 1).view(f.size(0), -1)
        slicemax = torch.max(pooled, 0, keepdim=True)[0]
        return self.classifier(slicemax)


class KerasStyle(nn.Module):
    """What tf2onnx gives for a Keras CNN: NHWC input, ReduceMean over H and W, MatMul + Add, Softmax."""

    def __init__(self, classes=4):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.w = nn.Parameter(torch.randn(16, classes) * 0.3)
        self.b = nn.Parameter(torch.randn(classes) * 0.1)

    def logits(self, x):  # x: (N, H, W, 3)
        x = x.permute(0, 3, 1, 2)
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = x.permute(0, 2, 3, 1)
        pooled = torch.mean(x, dim=(1, 2))
        return torch.matmul(pooled, self.w) + self.b

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


class MultiLabel(nn.Module):
    """A ResNet-18 with a 14-label sigmoid head, as chest X-ray models have."""

    def __init__(self):
        super().__init__()
        self.net = torchvision.models.resnet18(num_classes=14)

    def forward(self, x):
        return torch.sigmoid(self.net(x))


class DenseHead(nn.Module):
    """A small CNN whose head has a hidden dense layer: CAM cannot explain it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.fc1 = nn.Linear(8 * 16 * 16, 32)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def linear_head(model):
    """(feature module, weight matrix [classes, channels], post-processing of the feature)."""
    if isinstance(model, torchvision.models.ResNet):
        return model.layer4, model.fc.weight, lambda f: f
    if isinstance(model, torchvision.models.MobileNetV2):
        return model.features, model.classifier[1].weight, lambda f: f
    if isinstance(model, torchvision.models.DenseNet):
        return model.features, model.classifier.weight, F.relu
    if isinstance(model, MRNet):
        return model.features, model.classifier.weight, lambda f: f
    if isinstance(model, MultiLabel):
        return model.net.layer4, model.net.fc.weight, lambda f: f
    if isinstance(model, KerasStyle):
        return model.conv2, model.w.t(), F.relu
    return None


def cam_maps(model, x):
    """Raw CAM of every class from PyTorch's own activations: (classes, slices, h, w)."""
    head = linear_head(model)
    if head is None:
        return None
    module, weight, post = head
    captured = {}
    handle = module.register_forward_hook(lambda m, i, o: captured.setdefault("f", o))
    model(x)
    handle.remove()
    f = post(captured["f"])  # (N or S, K, h, w)
    return torch.einsum("ck,skhw->cshw", weight, f).detach().numpy()


def squeezenet_cam(model, x):
    """SqueezeNet's head is conv1x1 -> ReLU -> GAP: the class maps are that ReLU's output."""
    captured = {}
    handle = model.classifier[2].register_forward_hook(lambda m, i, o: captured.setdefault("f", o))
    model(x)
    handle.remove()
    return captured["f"].detach().numpy().transpose(1, 0, 2, 3)  # (classes, N, h, w)


def logits(model, x):
    """The scores gradient methods explain: the model's output before a final softmax or sigmoid."""
    if isinstance(model, MultiLabel):
        return model.net(x)
    if isinstance(model, KerasStyle):
        return model.logits(x)
    return model(x)


def gradients(model, x):
    """Autograd's gradients of the top class's logit: (wrt the input, wrt the CAM layer or None).

    Computed in float64: float32 autograd differs from the exact gradient by about 3e-3 (relative
    L2) on deep random-weight networks, more than the comparison's tolerance.
    """
    model = copy.deepcopy(model).double()
    x = x.double()
    head = linear_head(model)
    layer_is_module_output = head is not None and not isinstance(model, (torchvision.models.DenseNet, KerasStyle))
    captured = {}
    handle = head[0].register_forward_hook(lambda m, i, o: captured.setdefault("f", o)) \
        if layer_is_module_output else None
    with torch.enable_grad():
        x = x.clone().requires_grad_(True)
        out = logits(model, x)
        score = out[0, out[0].argmax()]
        wrt = [x] + ([captured["f"]] if handle else [])
        grads = torch.autograd.grad(score, wrt)
    if handle:
        handle.remove()
    return grads[0].numpy(), (grads[1].numpy() if handle else None)


def export(name, model, x, out_dir, input_name="input", dynamic_axis=0, opset=OPSET):
    model.eval()
    with torch.no_grad():
        scores = model(x).numpy()
        cam = squeezenet_cam(model, x) if name == "squeezenet1_1" else cam_maps(model, x)
    path = os.path.join(out_dir, name + ".onnx")
    dynamic = {input_name: {dynamic_axis: "n"}}
    if dynamic_axis == 0:
        dynamic["scores"] = {0: "n"}
    torch.onnx.export(model, x, path, opset_version=opset, input_names=[input_name],
                      output_names=["scores"], dynamic_axes=dynamic)
    grad_input, grad_layer = gradients(model, x)
    np.save(os.path.join(out_dir, name + ".grad_input.npy"), grad_input.astype(np.float32))
    if grad_layer is not None:
        np.save(os.path.join(out_dir, name + ".grad_layer.npy"), grad_layer.astype(np.float32))
    np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, name + ".scores.npy"), scores.astype(np.float32))
    if cam is not None:
        np.save(os.path.join(out_dir, name + ".cam.npy"), cam.astype(np.float32))
    print("wrote", path)


def exam(slices, size):
    """Random slices of distinct contrast, so that the max over slices has one clear winner per
    channel: near-ties make the gradient depend on float32 rounding."""
    contrast = torch.linspace(1.0, 2.0, slices).view(1, slices, 1, 1, 1)
    return torch.randn(1, slices, 3, size, size) * contrast


def dtype_arrays(out_dir):
    """One CT-like exam saved by NumPy in every dtype and byte order Lumen reads, with its float32
    copy: each must reach a model as the same values."""
    rng = np.random.default_rng(3)
    ct = rng.integers(-1024, 3072, size=(4, 20, 24)).astype(np.float32)
    saved = {"ct.f4": ct, "ct.i2": ct.astype("<i2"), "ct.i2be": ct.astype(">i2"),
             "ct.i4": ct.astype("<i4"), "ct.i8be": ct.astype(">i8"), "ct.f8be": ct.astype(">f8")}
    mr = rng.integers(0, 4000, size=(3, 16, 16)).astype(np.float32)
    saved.update({"mr.f4": mr, "mr.u2": mr.astype("<u2"), "mr.u2be": mr.astype(">u2"), "mr.u4": mr.astype("<u4")})
    small = rng.integers(0, 256, size=(2, 8, 8)).astype(np.float32)
    saved.update({"small.f4": small, "small.u1": small.astype(np.uint8), "small.i2": small.astype("<i2"),
                  "small.f2": small.astype("<f2"), "small.u8be": small.astype(">u8")})
    for name, array in saved.items():
        np.save(os.path.join(out_dir, "dtype-" + name + ".npy"), array)


def quality_references(out_dir):
    """Maps with scikit-image's HOG descriptor and Otsu threshold of each, and a ROAD imputation
    solved by SciPy's sparse direct solver, for the quality measures' tests."""
    from scipy.ndimage import gaussian_filter
    from scipy.sparse import lil_matrix
    from scipy.sparse.linalg import spsolve
    from skimage.feature import hog
    from skimage.filters import threshold_otsu
    rng = np.random.default_rng(11)
    for name, shape in (("smooth", (40, 52)), ("blobs", (33, 30))):
        heat = gaussian_filter(rng.random(shape), 3)
        heat = ((heat - heat.min()) / (heat.max() - heat.min())).astype(np.float32)
        np.save(os.path.join(out_dir, "quality-" + name + ".map.npy"), heat)
        np.save(os.path.join(out_dir, "quality-" + name + ".hog.npy"), hog(heat).astype(np.float64))
        levels = (heat * 255).astype(np.uint8)
        np.save(os.path.join(out_dir, "quality-" + name + ".otsu.npy"), np.array([threshold_otsu(levels)], np.float64))
    # ROAD: each removed pixel is the weighted mean of its in-bounds neighbours (1/6 sides, 1/12 corners)
    height, width = 18, 23
    image = rng.random((3, height, width)) * 255
    removed = rng.random((height, width)) < 0.45
    unknowns = {p: i for i, p in enumerate(zip(*np.nonzero(removed)))}
    system = lil_matrix((len(unknowns), len(unknowns)))
    rhs = np.zeros((len(unknowns), 3))
    for (y, x), i in unknowns.items():
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                ny, nx = y + dy, x + dx
                if (dy, dx) == (0, 0) or not (0 <= ny < height and 0 <= nx < width):
                    continue
                weight = 1 / 12 if dy and dx else 1 / 6
                system[i, i] += weight
                if removed[ny, nx]:
                    system[i, unknowns[(ny, nx)]] -= weight
                else:
                    rhs[i] += weight * image[:, ny, nx]
    filled = image.copy()
    solution = spsolve(system.tocsc(), rhs)
    for (y, x), i in unknowns.items():
        filled[:, y, x] = solution[i]
    np.save(os.path.join(out_dir, "quality-road.image.npy"), image.astype(np.float32))
    np.save(os.path.join(out_dir, "quality-road.removed.npy"), removed.astype(np.uint8))
    np.save(os.path.join(out_dir, "quality-road.filled.npy"), filled)
    # ROAD on a volume: the 26 neighbours, weights halving per axis offset (1/14 face, 1/28 edge,
    # 1/56 corner); a whole slice removed, so it can only fill from the slices around it
    depth, height, width = 7, 11, 9
    volume = rng.random((2, depth, height, width)) * 255
    removed = rng.random((depth, height, width)) < 0.5
    removed[3] = True
    unknowns = {p: i for i, p in enumerate(zip(*np.nonzero(removed)))}
    system = lil_matrix((len(unknowns), len(unknowns)))
    rhs = np.zeros((len(unknowns), 2))
    for (z, y, x), i in unknowns.items():
        for dz in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    nz, ny, nx = z + dz, y + dy, x + dx
                    if (dz, dy, dx) == (0, 0, 0) or not (0 <= nz < depth and 0 <= ny < height and 0 <= nx < width):
                        continue
                    weight = 0.5 ** (abs(dz) + abs(dy) + abs(dx)) / 7
                    system[i, i] += weight
                    if removed[nz, ny, nx]:
                        system[i, unknowns[(nz, ny, nx)]] -= weight
                    else:
                        rhs[i] += weight * volume[:, nz, ny, nx]
    filled = volume.copy()
    solution = spsolve(system.tocsc(), rhs)
    for (z, y, x), i in unknowns.items():
        filled[:, z, y, x] = solution[i]
    np.save(os.path.join(out_dir, "quality-road3d.volume.npy"), volume.astype(np.float32))
    np.save(os.path.join(out_dir, "quality-road3d.removed.npy"), removed.astype(np.uint8))
    np.save(os.path.join(out_dir, "quality-road3d.filled.npy"), filled)


class Segmenter(nn.Module):
    """A model whose output is a map, not class scores: Lumen must refuse it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 1, 3, padding=1)

    def forward(self, x):
        return torch.sigmoid(self.conv(x))


class Cnn3d(nn.Module):
    """A small MONAI-style 3D CNN: [N, 1, D, H, W] volumes, 3D convolutions, GAP, linear."""

    def __init__(self, classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(1, 8, 3, padding=1), nn.BatchNorm3d(8), nn.ReLU(), nn.MaxPool3d(2),
            nn.Conv3d(8, 16, 3, padding=1), nn.ReLU())
        self.fc = nn.Linear(16, classes)

    def forward(self, x):
        f = self.features(x)
        return self.fc(F.adaptive_avg_pool3d(f, 1).flatten(1))


def occlusion3d(model, x, top, window, stride):
    """Occlusion with cubes of side window (at most the depth), zero fill, as Captum's Occlusion
    credits each voxel: the mean drop of the top logit over the cubes that cover it."""
    _, _, d, h, w = x.shape
    starts = lambda n, k: sorted(set(list(range(0, n - k, stride)) + [n - k]))
    kd = min(window, d)
    base = model(x)[0, top]
    total = torch.zeros(d, h, w, dtype=x.dtype)
    count = torch.zeros(d, h, w, dtype=x.dtype)
    for z in starts(d, kd):
        for y in starts(h, window):
            for c in starts(w, window):
                occluded = x.clone()
                occluded[:, :, z:z + kd, y:y + window, c:c + window] = 0
                total[z:z + kd, y:y + window, c:c + window] += base - model(occluded)[0, top]
                count[z:z + kd, y:y + window, c:c + window] += 1
    return total / count


def eigen_projection(f):
    """Eigen-CAM's map of a 3D feature map [K, d, h, w]: every voxel an observation of K channels,
    centred, projected on the first right singular vector (its sign making the projection covary
    positively with the channel sum, as Lumen orients it), ReLU."""
    positions = f.reshape(f.shape[0], -1).T
    centred = positions - positions.mean(0)
    projection = centred @ torch.linalg.svd(centred, full_matrices=False)[2][0]
    total = positions.sum(1)
    if float(projection @ (total - total.mean())) < 0:
        projection = -projection
    return torch.relu(projection).reshape(f.shape[1:])


def guided_backprop(model, x, top):
    """Guided backpropagation: every ReLU passes back only positive gradients where its input was positive."""
    hooks = [mod.register_full_backward_hook(lambda mod, grad_in, grad_out: (grad_in[0].clamp(min=0),))
             for mod in model.modules() if isinstance(mod, nn.ReLU)]
    with torch.enable_grad():
        xg = x.clone().requires_grad_(True)
        grad = torch.autograd.grad(model(xg)[0, top], xg)[0]
    for h in hooks:
        h.remove()
    return grad[0]


def fullgrad3d(model, x, top):
    """FullGrad of a 3D CNN as pytorch-grad-cam defines it in 2D, over three axes: |x * dS/dx| and,
    for each biased convolution of the model as exported (batch normalisation folded into the
    convolution before it), |dS/dz * b|; each term's channels min-max normalised over the volume
    and summed, the bias terms resized trilinearly to the input, all terms added: [D, H, W]."""
    fused = copy.deepcopy(model)
    layers = list(fused.features)
    for i, layer in enumerate(layers[:-1]):
        if isinstance(layer, nn.Conv3d) and isinstance(layers[i + 1], nn.BatchNorm3d):
            fused.features[i] = torch.nn.utils.fusion.fuse_conv_bn_eval(layer, layers[i + 1])
            fused.features[i + 1] = nn.Identity()
    convs = [mod for mod in fused.modules() if isinstance(mod, nn.Conv3d) and mod.bias is not None]
    outputs = []
    hooks = [conv.register_forward_hook(lambda mod, i, o: outputs.append(o)) for conv in convs]
    with torch.enable_grad():
        xg = x.clone().requires_grad_(True)
        score = fused(xg)[0, top]
        grads = torch.autograd.grad(score, [xg] + outputs)
    for h in hooks:
        h.remove()

    def channel_sum(term):
        flat = term.reshape(term.shape[0], -1)
        low = flat.min(1, keepdim=True)[0]
        span = flat.max(1, keepdim=True)[0] - low
        return torch.where(span > 0, (flat - low) / span.clamp(min=1e-300), torch.zeros_like(flat)).sum(0) \
            .reshape(term.shape[1:])

    total = channel_sum((x[0] * grads[0][0]).abs())
    for conv, grad in zip(convs, grads[1:]):
        term = channel_sum((grad[0] * conv.bias.view(-1, 1, 1, 1)).abs())
        total = total + F.interpolate(term[None, None], size=tuple(x.shape[2:]), mode="trilinear",
                                      align_corners=False)[0, 0]
    return total


def volumetric(name, model, layer, volume, size, channels, out_dir, definitions=False):
    """A 3D CNN with the references of one exam, computed in float64 by autograd:

      NAME.onnx             the model ([N, C, D, H, W], dynamic batch)
      NAME.volume.npy       the exam as Lumen reads it: [slices, height, width] in [0, 1]
      NAME.input.npy        the exam resampled trilinearly (half-pixel centres) to the model's
                            input [1, C, D, H, W], grey copied into every channel
      NAME.scores.npy       the logits
      NAME.cam.npy          CAM of the top class, sum_k w_k F_k at the layer: [d, h, w]
      NAME.gradcam.npy      Grad-CAM of the top class at the layer: ReLU(sum_k mean(G_k) F_k), [d, h, w]
      NAME.heat.npy         that map min-max normalised over the volume and resampled trilinearly
                            to the exam: [slices, height, width]
      NAME.grad_input.npy   the top logit's gradient with respect to the input
      NAME.grad_input32.npy the same gradient by float32 autograd: how far float32 alone lands from it
      NAME.occlusion.npy    with definitions: occlusion of the top class with 8-voxel cubes at stride 4,
                            zero fill, at the input's resolution [D, H, W]; and NAME.ablationcam.npy,
                            NAME.scorecam.npy: Ablation-CAM and Score-CAM of the top class at the
                            layer, each channel ablated (masked with its trilinearly upsampled,
                            min-max normalised map) through the whole volume; NAME.crm.npy: CRM's
                            class-based map, (S - S(z,y,x))^2 with voxel (z,y,x) zeroed in every channel
      NAME.eigencam.npy     Eigen-CAM at the layer, the principal component of the whole volume's
                            activations; NAME.eigengradcam.npy the same of G * F: [d, h, w]
      NAME.guidedgradcam.npy  guided backpropagation (summed over channels) times the Grad-CAM map
                            upsampled trilinearly to the input: [D, H, W]
      NAME.fullgrad.npy     FullGrad over three axes (fullgrad3d): [D, H, W]
    """
    model = model.eval()
    x = F.interpolate(volume[None, None], size=size, mode="trilinear", align_corners=False).repeat(1, channels, 1, 1, 1)
    path = os.path.join(out_dir, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=OPSET, input_names=["volume"], output_names=["scores"],
                      dynamic_axes={"volume": {0: "n"}, "scores": {0: "n"}})
    m = copy.deepcopy(model).double()
    captured = {}
    handle = layer(m).register_forward_hook(lambda mod, i, o: captured.setdefault("f", o))
    with torch.enable_grad():
        xd = x.double().clone().requires_grad_(True)
        out = m(xd)
        top = int(out[0].argmax())
        grad_input, grad_layer = torch.autograd.grad(out[0, top], [xd, captured["f"]])
    handle.remove()
    with torch.enable_grad():
        x32 = x.clone().requires_grad_(True)
        grad_input32 = torch.autograd.grad(model(x32)[0, top], x32)[0]
    f = captured["f"][0].detach()
    g = grad_layer[0]
    gradcam = torch.relu((g.mean(dim=(1, 2, 3), keepdim=True) * f).sum(0))
    cam = (m.fc.weight[top].detach().view(-1, 1, 1, 1) * f).sum(0)
    norm = (gradcam - gradcam.min()) / (gradcam.max() - gradcam.min())
    heat = F.interpolate(norm[None, None], size=tuple(volume.shape), mode="trilinear", align_corners=False)[0, 0]
    if definitions:
        with torch.no_grad():
            np.save(os.path.join(out_dir, name + ".occlusion.npy"),
                    occlusion3d(m, x.double(), top, 8, 4).numpy().astype(np.float32))
            head = lambda features: m.fc(F.adaptive_avg_pool3d(features, 1).flatten(1))[0, top]
            ablation, score = [], []
            for k in range(f.shape[0]):
                ablated = f.clone()
                ablated[k] = 0
                ablation.append(head(ablated[None]))
                up = F.interpolate(f[k][None, None], size=size, mode="trilinear", align_corners=False)[0, 0]
                span = up.max() - up.min()
                mask = (up - up.min()) / span if span > 0 else torch.zeros_like(up)
                score.append(m(x.double() * mask)[0, top])
            y = out[0, top].detach()
            weights = (y - torch.stack(ablation)) / y
            np.save(os.path.join(out_dir, name + ".ablationcam.npy"),
                    torch.relu((weights.view(-1, 1, 1, 1) * f).sum(0)).numpy().astype(np.float32))
            weights = torch.softmax(torch.stack(score), 0)
            np.save(os.path.join(out_dir, name + ".scorecam.npy"),
                    torch.relu((weights.view(-1, 1, 1, 1) * f).sum(0)).numpy().astype(np.float32))
            crm = []
            for z, r, c in np.ndindex(*f.shape[1:]):
                removed = f.clone()
                removed[:, z, r, c] = 0
                crm.append((out[0, top].detach() - head(removed[None])) ** 2)
            np.save(os.path.join(out_dir, name + ".crm.npy"),
                    torch.stack(crm).view(f.shape[1:]).numpy().astype(np.float32))
        guided = guided_backprop(m, x.double(), top).sum(0)
        upsampled = F.interpolate(gradcam.detach()[None, None], size=size, mode="trilinear", align_corners=False)[0, 0]
        np.save(os.path.join(out_dir, name + ".guidedgradcam.npy"), (guided * upsampled).numpy().astype(np.float32))
        np.save(os.path.join(out_dir, name + ".fullgrad.npy"), fullgrad3d(m, x.double(), top).numpy().astype(np.float32))
    np.save(os.path.join(out_dir, name + ".eigencam.npy"), eigen_projection(f).numpy().astype(np.float32))
    np.save(os.path.join(out_dir, name + ".eigengradcam.npy"), eigen_projection(g * f).numpy().astype(np.float32))
    for suffix, array in {"volume": volume, "input": x, "scores": out.detach(), "cam": cam, "gradcam": gradcam,
                          "heat": heat, "grad_input": grad_input, "grad_input32": grad_input32}.items():
        np.save(os.path.join(out_dir, name + "." + suffix + ".npy"), array.numpy().astype(np.float32))
    print("wrote", path)


def smooth_volume(slices, size, seed):
    """A smooth random exam in [0, 1]: blurred noise, so maps and resampling have structure to keep."""
    g = torch.Generator().manual_seed(seed)
    v = F.avg_pool3d(torch.rand(1, 1, slices, size, size, generator=g), 5, stride=1, padding=2)[0, 0]
    return (v - v.min()) / (v.max() - v.min())


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(7)
    image = lambda size=224: torch.randn(1, 3, size, size)
    with torch.no_grad():
        export("resnet18", torchvision.models.resnet18(), image(), out_dir)
        export("resnet50", torchvision.models.resnet50(), image(), out_dir)
        export("alexnet", torchvision.models.alexnet(), image(), out_dir)
        export("mobilenet_v2", torchvision.models.mobilenet_v2(), image(), out_dir)
        export("densenet121", torchvision.models.densenet121(), image(), out_dir)
        export("squeezenet1_1", torchvision.models.squeezenet1_1(), image(), out_dir)
        export("multilabel14", MultiLabel(), image(), out_dir)
        export("mrnet", MRNet(), exam(5, 256), out_dir, input_name="exam", dynamic_axis=1)
        export("mrnet_opset11", MRNet(), exam(3, 224), out_dir, input_name="exam", dynamic_axis=1, opset=11)
        export("keras_style", KerasStyle(), torch.randn(1, 64, 48, 3), out_dir)
        export("keras_style_opset17", KerasStyle(), torch.randn(1, 64, 48, 3), out_dir, opset=17)
        export("dense_head", DenseHead(), torch.randn(1, 3, 32, 32), out_dir)
        torch.onnx.export(Segmenter().eval(), torch.randn(1, 3, 32, 32), os.path.join(out_dir, "segmenter.onnx"),
                          input_names=["input"], output_names=["mask"], opset_version=OPSET)
        volumetric("cnn3d", Cnn3d(), lambda m: m.features, smooth_volume(20, 40, 1), (16, 32, 32), 1, out_dir,
                   definitions=True)
        r3d = torchvision.models.video.r3d_18(num_classes=4)
        volumetric("r3d_18", r3d, lambda m: m.layer4, smooth_volume(20, 128, 2), (16, 112, 112), 3, out_dir)
    dtype_arrays(out_dir)
    quality_references(out_dir)
    lrp_references.write(out_dir)


if __name__ == "__main__":
    main()
