using System.Collections.Generic;
using System.Linq;
using AutoDiffGen.Generator.Ir;

namespace AutoDiffGen.Generator.Differentiation;

/// <summary>
/// Activity analysis: a variable is active when it depends on a differentiable parameter (varied) and the result
/// depends on it (useful). Only active variables get adjoints, so a [NoDerivative] array or a loop counter costs
/// nothing in the reverse sweep. Flow-insensitive, hence conservative: it may call a variable active that is not,
/// never the reverse.
/// </summary>
internal sealed class Activity
{
    private readonly HashSet<string> _active;

    private readonly HashSet<string> _varied;

    private Activity(HashSet<string> active, HashSet<string> varied)
    {
        _active = active;
        _varied = varied;
    }

    public bool IsActive(string name) => _active.Contains(name);

    /// <summary>Whether <paramref name="name"/> depends on a differentiable parameter, whether or not the result depends on it.</summary>
    public bool IsVaried(string name) => _varied.Contains(name);

    /// <summary>Whether <paramref name="expr"/> reads an active variable (so it has a derivative to pass on).</summary>
    public bool IsActive(IrExpr expr) => expr.Kind.IsReal() && ValueReads(expr).Any(_active.Contains);

    public IReadOnlyCollection<string> ActiveNames => _active;

    /// <summary>Analyses <paramref name="body"/>, whose result is assigned to <paramref name="resultName"/>.</summary>
    public static Activity Analyze(IEnumerable<IrStmt> body, IEnumerable<string> differentiableInputs, string resultName, IReadOnlyDictionary<string, TypeRef> types)
    {
        // Each assignment is an edge from the real-valued names its value reads to its target.
        var edges = new List<(string Target, List<string> Sources)>();
        foreach (Assign assign in IrWalk.All(body).OfType<Assign>())
        {
            if (types.TryGetValue(assign.Target, out TypeRef? type) && type.IsReal)
            {
                edges.Add((assign.Target, ValueReads(assign.Value)));
            }
        }

        var varied = new HashSet<string>(differentiableInputs);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach ((string target, List<string> sources) in edges)
            {
                if (!varied.Contains(target) && sources.Any(varied.Contains))
                {
                    varied.Add(target);
                    changed = true;
                }
            }
        }

        var useful = new HashSet<string> { resultName };
        changed = true;
        while (changed)
        {
            changed = false;
            foreach ((string target, List<string> sources) in edges)
            {
                if (useful.Contains(target))
                {
                    foreach (string source in sources)
                    {
                        changed |= useful.Add(source);
                    }
                }
            }
        }

        var active = new HashSet<string>(varied);
        active.IntersectWith(useful);
        return new Activity(active, varied);
    }

    /// <summary>
    /// The names whose real values flow into <paramref name="expr"/>: not those read only as indices, lengths or
    /// conditions, which carry no derivative.
    /// </summary>
    public static List<string> ValueReads(IrExpr expr)
    {
        var names = new List<string>();
        Collect(expr, names);
        return names;

        static void Collect(IrExpr e, List<string> output)
        {
            switch (e)
            {
                case VarRef v when v.Kind.IsReal():
                    output.Add(v.Name);
                    break;
                case ElementRef el when el.Kind.IsReal():
                    output.Add(el.Array);
                    break;
                case Unary u:
                    Collect(u.Operand, output);
                    break;
                case Binary b when b.Kind.IsReal():
                    Collect(b.Left, output);
                    Collect(b.Right, output);
                    break;
                case Conditional c:
                    Collect(c.WhenTrue, output);
                    Collect(c.WhenFalse, output);
                    break;
                case Cast c when c.Kind.IsReal():
                    Collect(c.Operand, output);
                    break;
                case MathCall m when m.Kind.IsReal():
                    foreach (IrExpr arg in m.Args)
                    {
                        Collect(arg, output);
                    }
                    break;
                case DiffCall d:
                    foreach (IrExpr arg in d.Args)
                    {
                        if (arg is VarRef { Shape: not ValueShape.Scalar } sequence)
                        {
                            output.Add(sequence.Name);
                        }
                        else
                        {
                            Collect(arg, output);
                        }
                    }
                    break;
            }
        }
    }
}
