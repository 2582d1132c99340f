from scheduler.auth.views import auth_bp

__all__ = ["auth_bp"]
