using System.Numerics;
using PoisonCert.Models;

namespace PoisonCert.Training.Attacks;

/// <summary>What an adversarial poisoner tries to move, and which way.</summary>
public abstract record AttackGoal
{
    /// <summary>No goal: victims and poisons are drawn at random.</summary>
    public static AttackGoal Random { get; } = new RandomGoal();

    public sealed record RandomGoal : AttackGoal;

    /// <summary>Push one parameter up (+1) or down (−1).</summary>
    public sealed record Parameter(int Index, int Direction) : AttackGoal;

    /// <summary>Push the network's output <paramref name="Output"/> on a test input up (+1) or down (−1).</summary>
    public sealed record TestOutput(float[] Input, int Output, int Direction) : AttackGoal;
}

/// <summary>The direction in parameter space an adversarial goal pushes along, at the current parameters.</summary>
internal sealed class GoalDirection<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly AttackGoal _goal;
    private readonly PointNetwork<T>? _network;
    private readonly T[] _direction;

    public GoalDirection(AttackGoal goal, NetworkArchitecture architecture)
    {
        _goal = goal;
        _direction = new T[architecture.ParameterCount];
        if (goal is AttackGoal.TestOutput) _network = new PointNetwork<T>(architecture, 1);
    }

    /// <summary>d such that the goal improves when θ moves along +d (θ changes by −η·g, so poisons want g·d small).</summary>
    public ReadOnlySpan<T> At(ReadOnlySpan<T> parameters)
    {
        switch (_goal)
        {
            case AttackGoal.Parameter p:
                Array.Clear(_direction);
                _direction[p.Index] = T.CreateTruncating(p.Direction);
                break;
            case AttackGoal.TestOutput o:
                // ∂z_o/∂θ by the program's backward pass with the MSE gradient 2(z − y) set to e_o/… via targets z − ½e_o.
                Array.Clear(_direction);
                var input = o.Input.Select(T.CreateTruncating).ToArray();
                _network!.Forward(parameters, input, 1);
                var targets = _network.Outputs.ToArray();
                targets[o.Output] -= T.CreateTruncating(0.5 * o.Direction);
                _network.Backward(parameters, LossKind.MeanSquaredError, [], targets, null, _direction);
                break;
        }
        return _direction;
    }
}
