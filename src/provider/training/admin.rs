//! The training tenant seen from the helpdesk: the trainee plays the agent.
