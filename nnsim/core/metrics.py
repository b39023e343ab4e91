"""Classification metrics: accuracy here, the rest from scikit-learn (imported when used)."""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def predicted_classes(out: Array) -> Array:
    """Class labels from network outputs: 1 output thresholded at 0.5, else the arg-max."""
    out = np.atleast_2d(out)
    if out.shape[1] == 1:
        return (out[:, 0] >= 0.5).astype(np.int64)
    return out.argmax(axis=1)


def accuracy(y_true: Array, y_pred: Array) -> float:
    """The share of labels predicted right."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"labels and predictions differ in shape: {y_true.shape} vs "
                         f"{y_pred.shape}")
    return float(np.mean(y_true == y_pred)) if y_true.size else 0.0


def confusion_matrix(y_true: Array, y_pred: Array, n_classes: int | None = None) -> Array:
    """counts[i, j] = rows of class i predicted as j (scikit-learn's)."""
    from sklearn.metrics import confusion_matrix as sk_confusion_matrix

    labels = None if n_classes is None else np.arange(n_classes)
    return sk_confusion_matrix(y_true, y_pred, labels=labels)


def classification_report(y_true: Array, y_pred: Array, output_dict: bool = False,
                          digits: int = 2) -> str | dict:
    """Precision, recall, f1 and support per class, with averages (scikit-learn's)."""
    from sklearn.metrics import classification_report as sk_report

    return sk_report(y_true, y_pred, output_dict=output_dict, digits=digits, zero_division=0)
