"""Gaussians as a struct of arrays (DESIGN.md § Conventions).

Torch tensors inside (CPU unless moved), numpy at I/O. Attributes are in the world frame:
means in metres, quats (w, x, y, z) unit, natural-log scales, opacity as a logit (before the
sigmoid), SH coefficients [N, K, 3] with K = (degree + 1)^2, DC first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from worldstream.geometry.sh import SH_C0  # re-exported: colour = SH_C0 * dc + 0.5


def sh_degree_for(coeffs: int) -> int:
    degree = round(math.sqrt(coeffs)) - 1
    if (degree + 1) ** 2 != coeffs or degree < 0:
        raise ValueError(f"{coeffs} SH coefficients is not (degree + 1)^2")
    return degree


def rgb_to_sh_dc(rgb: np.ndarray) -> np.ndarray:
    """Linear colour in [0, 1] -> SH DC coefficient (the 3DGS convention)."""
    return (np.asarray(rgb, dtype=np.float32) - 0.5) / SH_C0


def sh_dc_to_rgb(dc: np.ndarray) -> np.ndarray:
    return np.asarray(dc, dtype=np.float32) * SH_C0 + 0.5


@dataclass
class Gaussians:
    means: torch.Tensor  # [N, 3] float32, metres
    quats: torch.Tensor  # [N, 4] float32, (w, x, y, z), unit
    log_scales: torch.Tensor  # [N, 3] float32, natural log of metres
    opacity_logits: torch.Tensor  # [N] float32, sigmoid gives opacity
    sh: torch.Tensor  # [N, K, 3] float32, K = (sh_degree + 1)^2, DC first

    def __post_init__(self) -> None:
        n = self.means.shape[0]
        shapes = {
            "means": (self.means, (n, 3)),
            "quats": (self.quats, (n, 4)),
            "log_scales": (self.log_scales, (n, 3)),
            "opacity_logits": (self.opacity_logits, (n,)),
        }
        for name, (tensor, shape) in shapes.items():
            if tuple(tensor.shape) != shape:
                raise ValueError(f"{name} has shape {tuple(tensor.shape)}, expected {shape}")
        if self.sh.ndim != 3 or self.sh.shape[0] != n or self.sh.shape[2] != 3:
            raise ValueError(f"sh has shape {tuple(self.sh.shape)}, expected ({n}, K, 3)")
        sh_degree_for(self.sh.shape[1])

    def __len__(self) -> int:
        return int(self.means.shape[0])

    @property
    def sh_degree(self) -> int:
        return sh_degree_for(self.sh.shape[1])

    @classmethod
    def empty(cls, sh_degree: int = 0) -> Gaussians:
        k = (sh_degree + 1) ** 2
        z = torch.zeros
        return cls(z(0, 3), z(0, 4), z(0, 3), z(0), z(0, k, 3))

    @classmethod
    def from_numpy(cls, arrays: dict[str, np.ndarray]) -> Gaussians:
        def t(name: str) -> torch.Tensor:
            array = np.ascontiguousarray(arrays[name], dtype=np.float32)
            if not array.flags.writeable:  # e.g. decoded from a bytes buffer; torch needs writable
                array = array.copy()
            return torch.from_numpy(array)

        return cls(t("means"), t("quats"), t("log_scales"), t("opacity_logits"), t("sh"))

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Attribute name -> float32 array (zero-copy for CPU tensors)."""
        return {
            "means": self.means.detach().cpu().numpy(),
            "quats": self.quats.detach().cpu().numpy(),
            "log_scales": self.log_scales.detach().cpu().numpy(),
            "opacity_logits": self.opacity_logits.detach().cpu().numpy(),
            "sh": self.sh.detach().cpu().numpy(),
        }

    def select(self, index: torch.Tensor | np.ndarray) -> Gaussians:
        index = torch.as_tensor(index)
        return Gaussians(
            self.means[index],
            self.quats[index],
            self.log_scales[index],
            self.opacity_logits[index],
            self.sh[index],
        )

    @staticmethod
    def concat(parts: list[Gaussians]) -> Gaussians:
        if not parts:
            return Gaussians.empty()
        return Gaussians(
            torch.cat([p.means for p in parts]),
            torch.cat([p.quats for p in parts]),
            torch.cat([p.log_scales for p in parts]),
            torch.cat([p.opacity_logits for p in parts]),
            torch.cat([p.sh for p in parts]),
        )

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounds of the means (min [3], max [3]); zeros when empty."""
        if len(self) == 0:
            return np.zeros(3), np.zeros(3)
        m = self.means.detach().cpu().numpy()
        return m.min(axis=0).astype(np.float64), m.max(axis=0).astype(np.float64)
