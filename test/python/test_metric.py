"""test_metric.py - mx.metric: every metric against NumPy formulas and
against MXNet 1.9.1's metrics on the same inputs (local and global values,
after several updates and reset_local), the registry and create(), and
errors for mismatched or out-of-range labels."""
import math

import numpy as np
import pytest

import mxc as mx
from diff_runner import run_here, run_mxnet, assert_same


def nd(x):
    return mx.nd.array(np.asarray(x, dtype=np.float32))


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---- documented examples (MXNet's docstrings) -------------------------------------
def test_docstring_examples():
    preds = [nd([[0.3, 0.7], [0, 1.], [0.4, 0.6]])]
    labels = [nd([0, 1, 1])]
    cases = [(mx.metric.Accuracy(), ('accuracy', 2 / 3)),
             (mx.metric.F1(), ('f1', 0.8)),
             (mx.metric.Perplexity(ignore_label=None), ('perplexity', 1.7710976285155853)),
             (mx.metric.CrossEntropy(), ('cross-entropy', 0.57159948348999023)),
             (mx.metric.NegativeLogLikelihood(), ('nll-loss', 0.57159948348999023))]
    for metric, (name, value) in cases:
        metric.update(labels, preds)
        got = metric.get()
        assert got[0] == name and got[1] == pytest.approx(value, rel=1e-6), name
    reg_p = [nd(np.array([3, -0.5, 2, 7]).reshape(4, 1))]
    reg_l = [nd(np.array([2.5, 0.0, 2, 8]).reshape(4, 1))]
    for metric, value in ((mx.metric.MAE(), 0.5), (mx.metric.MSE(), 0.375),
                          (mx.metric.RMSE(), 0.612372457981)):
        metric.update(reg_l, reg_p)
        assert metric.get()[1] == pytest.approx(value, rel=1e-6)
    comp = mx.metric.CompositeEvalMetric()
    for child in (mx.metric.Accuracy(), mx.metric.F1()):
        comp.add(child)
    comp.update(labels=labels, preds=preds)
    names, values = comp.get()
    assert names == ['accuracy', 'f1'] and values == pytest.approx([2 / 3, 0.8])
    custom = mx.metric.CustomMetric(feval=lambda x, y: (x + y).mean())
    custom.update(reg_l, reg_p)
    assert custom.get() == ('custom(<lambda>)', pytest.approx(6.0))


def test_accuracy_and_topk_against_numpy():
    rng = np.random.RandomState(0)
    scores = rng.rand(64, 10).astype(np.float32)
    labels = rng.randint(0, 10, 64)
    acc = mx.metric.Accuracy()
    acc.update([nd(labels)], [nd(scores)])
    assert acc.get()[1] == pytest.approx(np.mean(scores.argmax(1) == labels))
    assert acc.num_inst == 64
    for k in (2, 3, 5):
        topk = mx.metric.TopKAccuracy(top_k=k)
        topk.update([nd(labels)], [nd(scores)])
        want = np.mean([labels[i] in np.argsort(-scores[i])[:k] for i in range(64)])
        assert topk.get() == ('top_k_accuracy_%d' % k, pytest.approx(want))
    with pytest.raises(ValueError, match="top_k"):
        mx.metric.TopKAccuracy(top_k=1)
    # class-index predictions of the labels' shape are compared directly
    acc.reset()
    acc.update([nd([1, 2, 3])], [nd([1, 0, 3])])
    assert acc.get()[1] == pytest.approx(2 / 3)


def test_local_and_global():
    acc = mx.metric.Accuracy()
    acc.update([nd([0, 1])], [nd([[1, 0], [1, 0]])])
    acc.reset_local()
    acc.update([nd([0, 1])], [nd([[1, 0], [0, 1]])])
    assert acc.get()[1] == 1.0
    assert acc.get_global()[1] == 0.75
    assert acc.get_global_name_value() == [('accuracy', 0.75)]
    acc.reset()
    assert math.isnan(acc.get()[1]) and math.isnan(acc.get_global()[1])


def test_regression_and_loss_against_numpy():
    rng = np.random.RandomState(1)
    batches = [(rng.randn(8, 3), rng.randn(8, 3)) for _ in range(3)]
    for metric, fn in ((mx.metric.MAE(), lambda d: np.abs(d).mean()),
                       (mx.metric.MSE(), lambda d: (d ** 2).mean()),
                       (mx.metric.RMSE(), lambda d: np.sqrt((d ** 2).mean()))):
        for label, pred in batches:
            metric.update([nd(label)], [nd(pred)])
        want = np.mean([fn(np.float32(l) - np.float32(p)) for l, p in batches])
        assert metric.get()[1] == pytest.approx(want, rel=1e-5)
    loss = mx.metric.Loss()
    for _, pred in batches:
        loss.update(None, [nd(pred)])
    assert loss.get()[1] == pytest.approx(np.mean([p.astype(np.float32) for _, p in batches]),
                                          rel=1e-5, abs=1e-6)


def test_cross_entropy_and_perplexity_against_numpy():
    rng = np.random.RandomState(2)
    probs = softmax(rng.randn(20, 5)).astype(np.float32)
    labels = rng.randint(0, 5, 20)
    ce = mx.metric.create('ce')
    ce.update([nd(labels)], [nd(probs)])
    p_true = probs[np.arange(20), labels]
    assert ce.get()[1] == pytest.approx(np.mean(-np.log(p_true + 1e-12)), rel=1e-5)
    perp = mx.metric.Perplexity(ignore_label=3)
    perp.update([nd(labels)], [nd(probs)])
    keep = labels != 3
    assert perp.get()[1] == pytest.approx(np.exp(-np.log(p_true[keep]).mean()), rel=1e-5)
    assert perp.num_inst == keep.sum()


def test_f1_mcc_pearson_pcc_against_numpy():
    rng = np.random.RandomState(3)
    scores = rng.rand(40, 2).astype(np.float32)
    labels = rng.randint(0, 2, 40)
    pred = scores.argmax(1)
    tp = np.sum((pred == 1) & (labels == 1))
    fp = np.sum((pred == 1) & (labels == 0))
    fn = np.sum((pred == 0) & (labels == 1))
    tn = np.sum((pred == 0) & (labels == 0))
    f1 = mx.metric.F1(average='micro')
    f1.update([nd(labels)], [nd(scores)])
    assert f1.get()[1] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    mcc = mx.metric.MCC()
    mcc.update([nd(labels)], [nd(scores)])
    want = (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    assert mcc.get()[1] == pytest.approx(want)
    x, y = rng.randn(30), rng.randn(30)
    pr = mx.metric.create('pearsonr')
    pr.update([nd(y)], [nd(x)])
    assert pr.get()[1] == pytest.approx(np.corrcoef(np.float32(x), np.float32(y))[0, 1],
                                        rel=1e-5)
    pcc = mx.metric.PCC()
    pcc.update([nd(labels)], [nd(scores)])
    assert pcc.get()[1] == pytest.approx(want)  # binary PCC is MCC


def test_create_and_registry():
    assert isinstance(mx.metric.create('acc'), mx.metric.Accuracy)
    assert isinstance(mx.metric.create('top_k_accuracy', top_k=3), mx.metric.TopKAccuracy)
    comp = mx.metric.create(['acc', 'rmse', mx.metric.F1()])
    assert [m.name for m in comp.metrics] == ['accuracy', 'rmse', 'f1']
    custom = mx.metric.create(lambda l, p: 1.0)
    assert isinstance(custom, mx.metric.CustomMetric)
    acc = mx.metric.Accuracy(axis=0, name='my')
    assert mx.metric.create(acc) is acc
    config = acc.get_config()
    assert config == {'axis': 0, 'metric': 'Accuracy', 'name': 'my', 'output_names': None,
                      'label_names': None}
    again = mx.metric.create(config)
    assert isinstance(again, mx.metric.Accuracy) and again.name == 'my' and again.axis == 0
    with pytest.raises(ValueError, match="nosuch is not registered"):
        mx.metric.create('nosuch')

    @mx.metric.register
    @mx.metric.alias('half')
    class HalfMetric(mx.metric.EvalMetric):  # pylint: disable=unused-variable
        def __init__(self):
            super(HalfMetric, self).__init__('half')

        def update(self, labels, preds):
            self.sum_metric += 0.5
            self.num_inst += 1
    half = mx.metric.create('HALF')
    half.update([], [])
    assert half.get() == ('half', 0.5)
    np_metric = mx.metric.np(lambda l, p: float(np.sum(l == p)), name='same')
    np_metric.update([nd([1, 2])], [nd([1, 3])])
    assert np_metric.get() == ('same', 1.0)


def test_update_dict_selects_by_name():
    acc = mx.metric.Accuracy(output_names=['b_output'], label_names=['lb'])
    acc.update_dict({'la': nd([0, 0]), 'lb': nd([1, 1])},
                    {'a_output': nd([[1, 0], [1, 0]]), 'b_output': nd([[0, 1], [1, 0]])})
    assert acc.get()[1] == 0.5


def test_errors():
    acc = mx.metric.Accuracy()
    with pytest.raises(ValueError, match="Shape of labels 2 does not match shape of predictions 1"):
        acc.update([nd([1]), nd([1])], [nd([[0, 1]])])
    with pytest.raises(ValueError, match=r"Shape of labels 3 does not match"):
        acc.update([nd([1, 0, 1])], [nd([[0, 1], [1, 0]])])
    ce = mx.metric.CrossEntropy()
    with pytest.raises(ValueError, match="label 7.0 \\(example 1\\) is out of range for "
                                         "predictions with 3 classes"):
        ce.update([nd([0, 7])], [nd([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])])
    perp = mx.metric.Perplexity(ignore_label=None)
    with pytest.raises(ValueError, match="out of range"):
        perp.update([nd([-1, 0])], [nd([[0.5, 0.5], [0.5, 0.5]])])
    f1 = mx.metric.F1()
    with pytest.raises(ValueError, match="binary classification"):
        f1.update([nd([0, 1, 2])], [nd(np.eye(3))])


METRIC_CODE = """
rng = np.random.RandomState(11)
def arr(x):
    return mx.nd.array(np.asarray(x, dtype=np.float32))
specs = [('acc', {}), ('top_k_accuracy', {'top_k': 3}), ('f1', {}), ('f1', {'average': 'micro'}),
         ('mcc', {}), ('mae', {}), ('mse', {}), ('rmse', {}), ('ce', {}), ('nll_loss', {}),
         ('perplexity', {'ignore_label': 2}), ('pearsonr', {}), ('pearsonr', {'average': 'micro'}),
         ('pcc', {}), ('loss', {})]
batches = []
for b in range(4):
    scores = rng.rand(16, 6)
    probs = scores / scores.sum(1, keepdims=True)
    batches.append({'cls': (rng.randint(0, 6, 16), probs),
                    'bin': (rng.randint(0, 2, 16), rng.rand(16, 2)),
                    'reg': (rng.randn(16, 3), rng.randn(16, 3))})
for i, (name, kwargs) in enumerate(specs):
    m = mx.metric.create(name, **kwargs)
    kind = 'bin' if name in ('f1', 'mcc') else 'reg' if name in ('mae', 'mse', 'rmse',
                                                                  'pearsonr', 'loss') else 'cls'
    for b, batch in enumerate(batches):
        label, pred = batch[kind]
        m.update([arr(label)], [arr(pred)])
        if b == 1:
            m.reset_local()
    out['%d_name' % i] = m.get()[0]
    out['%d_local' % i] = float(m.get()[1])
    out['%d_global' % i] = float(m.get_global()[1])
comp = mx.metric.create(['acc', 'ce'])
for batch in batches:
    comp.update([arr(batch['cls'][0])], [arr(batch['cls'][1])])
out['comp'] = [comp.get()[0], [float(v) for v in comp.get()[1]]]
"""


def test_metrics_match_mxnet(mxnet, tmp_path):
    ours = run_here(METRIC_CODE, mx, tmp_path)
    theirs = run_mxnet(METRIC_CODE, tmp_path)
    assert sorted(ours) == sorted(theirs)
    for k in sorted(ours):
        if k == 'comp':
            assert ours[k][0] == theirs[k][0]
            np.testing.assert_allclose(ours[k][1], theirs[k][1], rtol=1e-5)
        elif isinstance(ours[k], str):
            assert ours[k] == theirs[k], k
        else:
            np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-5, err_msg=k)
    assert_same({k: v for k, v in ours.items() if k.endswith('_name')},
                {k: v for k, v in theirs.items() if k.endswith('_name')})
