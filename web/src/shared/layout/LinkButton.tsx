/** A link that looks like a button (an <a>, not a <button> inside an <a>), navigating within the app. */
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, type ButtonProps } from 'antd';

export function LinkButton({ to, type, children }: { to: string; type?: ButtonProps['type']; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Button
      type={type}
      href={to}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </Button>
  );
}
