using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Differentiation;
using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Emission;

/// <summary>
/// Generated code reads and writes tensor elements through a span per tensor (<c>xSpan[i]</c> rather than <c>x[i]</c>):
/// the tensor indexer reloads the array and checks the index on every access. Each span is taken where its tensor is
/// assigned, and at the top of a method for tensors it receives.
/// </summary>
/// <remarks>
/// The tensor dimensions the code reads are read into locals at the same places (<c>xColumns</c> rather than <c>x.Columns</c>):
/// an index such as <c>row * x.Columns + column</c> would otherwise reload the field in every iteration, since the JIT
/// cannot tell that the stores through the spans leave it alone. A tensor variable is assigned once and a tensor's
/// shape never changes, so the locals stay right.
/// </remarks>
internal sealed class ElementSpans
{
    private readonly Dictionary<string, string> _spans;
    private readonly Dictionary<(string Tensor, TensorDimension Dimension), string> _dimensions;
    private readonly ILookup<string, (string Tensor, TensorDimension Dimension, string Local)> _dimensionsByTensor;

    private ElementSpans(Dictionary<string, string> spans, Dictionary<(string Tensor, TensorDimension Dimension), string> dimensions)
    {
        _spans = spans;
        _dimensions = dimensions;
        _dimensionsByTensor = Dimensions.ToLookup(d => d.Tensor);
    }

    /// <summary>The span variables, by tensor name, in a stable order.</summary>
    public IEnumerable<KeyValuePair<string, string>> All => _spans.OrderBy(s => s.Key, System.StringComparer.Ordinal);

    /// <summary>The shape locals: tensor, dimension and local, in a stable order.</summary>
    public IEnumerable<(string Tensor, TensorDimension Dimension, string Local)> Dimensions =>
        _dimensions.OrderBy(d => d.Key.Tensor, System.StringComparer.Ordinal).ThenBy(d => d.Key.Dimension)
            .Select(d => (d.Key.Tensor, d.Key.Dimension, d.Value));

    /// <summary>
    /// Spans for the tensors of <paramref name="method"/> whose elements <paramref name="statements"/> touch, and locals
    /// for the tensor dimensions they read.
    /// </summary>
    public static ElementSpans For(AdjointMethod method, IEnumerable<IrStmt> statements, IEnumerable<string> taken)
    {
        var tensors = new HashSet<string>(method.Primal.Parameters.Where(p => p.Type.IsTensor).Select(p => p.Name)
            .Concat(method.Locals.Concat(method.AdjointLocals).Where(l => l.Type.IsTensor).Select(l => l.Name))
            .Concat(method.Adjoints.Where(a => a.PrimalType.IsTensor).Select(a => a.AdjointName)));
        if (method.Primal.ReturnsTensor)
        {
            tensors.Add(method.SeedName);
        }
        var touched = new SortedSet<string>(System.StringComparer.Ordinal);
        var shapes = new SortedSet<(string Tensor, TensorDimension Dimension)>();
        foreach (IrStmt statement in IrWalk.All(statements))
        {
            if (statement is Assign { Index: not null } assign && tensors.Contains(assign.Target))
            {
                touched.Add(assign.Target);
            }
            if (statement is Accumulate { Index: not null } update && tensors.Contains(update.Target))
            {
                touched.Add(update.Target);
            }
            foreach (IrExpr expr in IrWalk.SweepExpressions(statement))
            {
                CollectElementsAndDimensions(expr, tensors, touched, shapes);
            }
        }
        var used = new HashSet<string>(taken);
        var spans = new Dictionary<string, string>();
        foreach (string tensor in touched)
        {
            spans[tensor] = UnusedName(used, tensor.TrimStart('@') + "Span");
        }
        var dimensions = new Dictionary<(string Tensor, TensorDimension Dimension), string>();
        foreach ((string tensor, TensorDimension dimension) in shapes)
        {
            dimensions[(tensor, dimension)] = UnusedName(used, tensor.TrimStart('@') + dimension);
        }
        return new ElementSpans(spans, dimensions);
    }

    private static string UnusedName(HashSet<string> used, string name)
    {
        while (!used.Add(name))
        {
            name += "_";
        }
        return name;
    }

    public bool Has(string tensor, out string span) => _spans.TryGetValue(tensor, out span!);

    /// <summary><paramref name="statements"/> with element accesses on spans, and each span retaken after its tensor is assigned.</summary>
    public IEnumerable<IrStmt> Rewrite(IEnumerable<IrStmt> statements)
    {
        foreach (IrStmt statement in statements)
        {
            yield return RewriteOne(statement);
            if (statement is not Assign { Index: null } assign)
            {
                continue;
            }
            if (_spans.TryGetValue(assign.Target, out string? span))
            {
                yield return new SpanOf(span, assign.Target);
            }
            foreach ((string tensor, TensorDimension dimension, string local) in _dimensionsByTensor[assign.Target])
            {
                yield return new ShapeOf(local, tensor, dimension);
            }
        }
    }

    private IrStmt RewriteOne(IrStmt statement) => statement switch
    {
        Assign a => a with { Target = a.Index is null ? a.Target : SpanName(a.Target), Index = a.Index is null ? null : Map(a.Index), Value = Map(a.Value) },
        Accumulate a => a with { Target = a.Index is null ? a.Target : SpanName(a.Target), Index = a.Index is null ? null : Map(a.Index), Value = Map(a.Value) },
        Define d => d with { Value = Map(d.Value) },
        If i => new If(Map(i.Condition), Rewrite(i.Then).ToEquatableArray(), Rewrite(i.Else).ToEquatableArray()),
        Loop l => l with { Condition = Map(l.Condition), Body = Rewrite(l.Body).ToEquatableArray(), Step = Rewrite(l.Step).ToEquatableArray() },
        ForRange f => f with { From = Map(f.From), To = Map(f.To), Body = Rewrite(f.Body).ToEquatableArray() },
        TapePush p => p with { Value = Map(p.Value) },
        _ => statement,
    };

    private string SpanName(string tensor) => _spans.TryGetValue(tensor, out string? span) ? span : tensor;

    private IrExpr Map(IrExpr expr) => expr switch
    {
        ElementRef e => e with { Array = SpanName(e.Array), Index = Map(e.Index) },
        Unary u => u with { Operand = Map(u.Operand) },
        Binary b => b with { Left = Map(b.Left), Right = Map(b.Right) },
        Conditional c => c with { Condition = Map(c.Condition), WhenTrue = Map(c.WhenTrue), WhenFalse = Map(c.WhenFalse) },
        Cast c => c with { Operand = Map(c.Operand) },
        MathCall m => m with { Args = m.Args.Select(Map).ToEquatableArray() },
        DiffCall d => d with { Args = d.Args.Select(Map).ToEquatableArray() },
        ForwardCall f => f with { Args = f.Args.Select(Map).ToEquatableArray() },
        ConstantCall c => c with { Args = c.Args.Select(Map).ToEquatableArray() },
        NewArray n => n with { Length = Map(n.Length) },
        NewTensor n => n with { Dimensions = n.Dimensions.Select(Map).ToEquatableArray() },
        DimensionOf d when _dimensions.TryGetValue((d.Tensor, d.Dimension), out string? local) => new VarRef(local, ScalarKind.Int32),
        _ => expr,
    };

    /// <summary>The tensors whose elements <paramref name="expr"/> reads, and the tensor dimensions it reads.</summary>
    private static void CollectElementsAndDimensions(
        IrExpr expr, HashSet<string> tensors, ISet<string> touched, ISet<(string Tensor, TensorDimension Dimension)> shapes)
    {
        if (expr is ElementRef e && tensors.Contains(e.Array))
        {
            touched.Add(e.Array);
        }
        if (expr is DimensionOf d && tensors.Contains(d.Tensor))
        {
            shapes.Add((d.Tensor, d.Dimension));
        }
        foreach (IrExpr child in IrWalk.Children(expr))
        {
            CollectElementsAndDimensions(child, tensors, touched, shapes);
        }
    }
}

/// <summary>Generated code only: <c>Span = Tensor.AsSpan()</c>, after <c>Tensor</c> is assigned.</summary>
internal sealed record SpanOf(string Span, string Tensor) : IrStmt;

/// <summary>Generated code only: <c>Local = Tensor.Dimension</c>, after <c>Tensor</c> is assigned.</summary>
internal sealed record ShapeOf(string Local, string Tensor, TensorDimension Dimension) : IrStmt;
